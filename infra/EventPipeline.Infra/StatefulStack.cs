using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Kinesis;
using Amazon.CDK.AWS.SQS;
using Constructs;
using EventPipeline.Topology;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;
using Stream = Amazon.CDK.AWS.Kinesis.Stream;

namespace EventPipeline.Infra;

/// <summary>
/// Everything that holds data: the events stream, the tables and the dead-letter queue. Kept apart from the functions
/// so code deploys never replace or risk data, and so the data can be retained when the stateless stack is destroyed.
/// </summary>
internal sealed class StatefulStack : Stack
{
    public StatefulStack(Construct scope, string id, InfraSettings settings, IStackProps? props = null)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);

        EventsStream = new Stream(this, IdOf(PipelineTopology.EventsStream) + "Stream", settings.Shards is { } shards
            ? new StreamProps { StreamMode = StreamMode.PROVISIONED, ShardCount = shards }
            : new StreamProps { StreamMode = StreamMode.ON_DEMAND });
        Amazon.CDK.Tags.Of(EventsStream).Add(PipelineTopology.NameTag, PipelineTopology.EventsStream);

        var tables = new Dictionary<string, Table>(StringComparer.Ordinal);
        foreach (var definition in PipelineTopology.Tables.All)
        {
            var table = new Table(this, IdOf(definition.Name) + "Table", new TableProps
            {
                PartitionKey = new Attribute { Name = PipelineTopology.Tables.PartitionKey, Type = AttributeType.STRING },
                SortKey = new Attribute { Name = PipelineTopology.Tables.SortKey, Type = AttributeType.STRING },
                TimeToLiveAttribute = PipelineTopology.Tables.TimeToLive,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                PointInTimeRecovery = true,
                Stream = definition.StreamEnabled ? StreamViewType.NEW_AND_OLD_IMAGES : null,
                RemovalPolicy = RemovalPolicy.RETAIN,
            });
            foreach (var index in definition.GlobalIndexes)
            {
                table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
                {
                    IndexName = index.Name,
                    PartitionKey = new Attribute { Name = index.PartitionKey, Type = AttributeType.STRING },
                    SortKey = new Attribute { Name = index.SortKey, Type = AttributeType.STRING },
                    ProjectionType = index.Projection == IndexProjection.KeysOnly ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
                });
            }

            Amazon.CDK.Tags.Of(table).Add(PipelineTopology.NameTag, definition.Name);
            tables.Add(definition.Name, table);
            _ = new CfnOutput(this, IdOf(definition.Name) + "TableName", new CfnOutputProps
            {
                Description = $"DynamoDB table '{definition.Name}'",
                Value = table.TableName,
            });
        }

        Tables = tables;

        // Batches the ESMs give up on (retries or record age exhausted) and events Ingest rejects land here. Retained
        // on stack deletion like the tables: the messages are records the pipeline could not apply.
        DeadLetterQueue = new Queue(this, "DeadLetterQueue", new QueueProps
        {
            RetentionPeriod = Duration.Days(14),
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        Amazon.CDK.Tags.Of(DeadLetterQueue).Add(PipelineTopology.NameTag, PipelineTopology.DeadLetterQueue);

        _ = new CfnOutput(this, "EventsStreamName", new CfnOutputProps { Description = "Kinesis stream producers put events on", Value = EventsStream.StreamName });
        _ = new CfnOutput(this, "EventsStreamArn", new CfnOutputProps { Value = EventsStream.StreamArn });
        _ = new CfnOutput(this, "DeadLetterQueueUrl", new CfnOutputProps { Description = "Failed batches and rejected events", Value = DeadLetterQueue.QueueUrl });
    }

    /// <summary>The Kinesis stream named <see cref="PipelineTopology.EventsStream"/> in the topology.</summary>
    public Stream EventsStream { get; }

    /// <summary>Tables keyed by their <c>PipelineTopology.Tables</c> name.</summary>
    public IReadOnlyDictionary<string, Table> Tables { get; }

    public Queue DeadLetterQueue { get; }

    public Table Table(string topologyName) => Tables.TryGetValue(topologyName, out var table)
        ? table
        : throw new KeyNotFoundException($"Table '{topologyName}' is not in PipelineTopology.Tables.All.");

    /// <summary>Construct id from a topology name: <c>changelog</c> → <c>Changelog</c>.</summary>
    internal static string IdOf(string name) => InfraNames.Pascal(name);
}
