using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Topology;

namespace EventPipeline.Local;

/// <summary>Creates the events stream and the tables of <see cref="PipelineTopology"/> when they are missing (idempotent).</summary>
public static class ResourceBootstrapper
{
    /// <summary>Ensures the stream is ACTIVE and every table exists with its keys, indexes, stream and TTL.</summary>
    public static async Task EnsureAsync(AwsClients aws, PipelineSettings settings, int shards, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            await aws.Kinesis.CreateStreamAsync(settings.EventsStream, shards, cancellationToken);
            log?.Invoke($"created stream '{settings.EventsStream}' with {shards} shards");
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceInUseException")
        {
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((await aws.Kinesis.DescribeStreamSummaryAsync(settings.EventsStream, cancellationToken)).StreamStatus != "ACTIVE")
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"stream '{settings.EventsStream}' did not become ACTIVE within 60 s");
            }

            await Task.Delay(100, cancellationToken);
        }

        var names = new Dictionary<string, string>
        {
            [PipelineTopology.Tables.Aggregates] = settings.AggregatesTable,
            [PipelineTopology.Tables.Connections] = settings.ConnectionsTable,
            [PipelineTopology.Tables.Dedup] = settings.DedupTable,
            [PipelineTopology.Tables.ChangeLog] = settings.ChangeLogTable,
            [PipelineTopology.Tables.Operations] = settings.OperationsTable,
        };
        foreach (var table in PipelineTopology.Tables.All)
        {
            await EnsureTableAsync(aws.DynamoDb, names[table.Name], table, log, cancellationToken);
        }
    }

    private static async Task EnsureTableAsync(AmazonDynamoDBClient dynamo, string name, TableDefinition table, Action<string>? log, CancellationToken ct)
    {
        var attributes = new List<AttributeDefinition>
        {
            new() { AttributeName = PipelineTopology.Tables.PartitionKey, AttributeType = ScalarAttributeType.S },
            new() { AttributeName = PipelineTopology.Tables.SortKey, AttributeType = ScalarAttributeType.S },
        };
        foreach (var g in table.GlobalIndexes)
        {
            attributes.Add(new AttributeDefinition { AttributeName = g.PartitionKey, AttributeType = ScalarAttributeType.S });
            attributes.Add(new AttributeDefinition { AttributeName = g.SortKey, AttributeType = ScalarAttributeType.S });
        }

        var request = new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = attributes,
            KeySchema =
            [
                new KeySchemaElement { AttributeName = PipelineTopology.Tables.PartitionKey, KeyType = KeyType.HASH },
                new KeySchemaElement { AttributeName = PipelineTopology.Tables.SortKey, KeyType = KeyType.RANGE },
            ],
        };
        if (table.GlobalIndexes.Count > 0)
        {
            request.GlobalSecondaryIndexes = table.GlobalIndexes.Select(g => new GlobalSecondaryIndex
            {
                IndexName = g.Name,
                KeySchema =
                [
                    new KeySchemaElement { AttributeName = g.PartitionKey, KeyType = KeyType.HASH },
                    new KeySchemaElement { AttributeName = g.SortKey, KeyType = KeyType.RANGE },
                ],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            }).ToList();
        }

        if (table.StreamEnabled)
        {
            request.StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES };
        }

        try
        {
            await dynamo.CreateTableAsync(request, ct);
            log?.Invoke($"created table '{name}'");
        }
        catch (ResourceInUseException)
        {
            return;
        }

        try
        {
            await dynamo.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = name,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = PipelineTopology.Tables.TimeToLive, Enabled = true },
                },
                ct);
        }
        catch (AmazonDynamoDBException)
        {
            // Emulators differ in TTL support; readers also treat expired items as absent.
        }
    }
}
