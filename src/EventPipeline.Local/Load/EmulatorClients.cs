using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Local.Load;

/// <summary>Clients straight to the emulators' own ports (what the ceiling and the floor measure), and their scratch resources.</summary>
public static class EmulatorClients
{
    /// <summary>kinesis-mock and DynamoDB Local (and its streams) on their own ports, with the administrator's keys.</summary>
    public static AwsEndpoints Endpoints(LocalEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return new AwsEndpoints
        {
            Region = endpoints.Region,
            Kinesis = new Uri(endpoints.KinesisEndpoint),
            DynamoDb = new Uri(endpoints.DynamoDbEndpoint),
            DynamoDbStreams = new Uri(endpoints.DynamoDbEndpoint),
            Credentials = new Amazon.Runtime.BasicAWSCredentials(endpoints.AccessKeyId, endpoints.SecretAccessKey),
        };
    }

    /// <summary>The SDK's DynamoDB client on DynamoDB Local's own port.</summary>
    public static AmazonDynamoDBClient DynamoDb(AwsEndpoints aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return new AmazonDynamoDBClient(aws.Credentials, new AmazonDynamoDBConfig { ServiceURL = aws.DynamoDb!.ToString(), AuthenticationRegion = aws.Region });
    }

    /// <summary>A scratch stream of <paramref name="shards"/> shards, created unless an earlier run left it; returns when it is ACTIVE.</summary>
    public static async Task EnsureStreamAsync(KinesisClient kinesis, string name, CancellationToken ct, int shards = 1)
    {
        ArgumentNullException.ThrowIfNull(kinesis);
        try
        {
            await kinesis.CreateStreamAsync(name, shards, ct);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceInUseException")
        {
        }

        while ((await kinesis.DescribeStreamSummaryAsync(name, ct)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50, ct);
        }
    }

    /// <summary>A scratch table keyed by <c>pk</c> (with a NEW_IMAGE stream when <paramref name="stream"/>), unless an earlier run left it.</summary>
    public static async Task EnsureTableAsync(IAmazonDynamoDB dynamo, string name, bool stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        try
        {
            await dynamo.CreateTableAsync(new CreateTableRequest
            {
                TableName = name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
                StreamSpecification = stream ? new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_IMAGE } : null,
            }, ct);
        }
        catch (ResourceInUseException)
        {
        }
    }
}
