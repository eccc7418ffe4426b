using Amazon;
using Amazon.DynamoDBv2;
using Amazon.SQS;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws;

/// <summary>
/// The AWS clients of one process, built once (per cold start, or per local stack) from <see cref="AwsEndpoints"/>:
/// the SDK's DynamoDB and SQS clients, and our signed clients for the services the registry here does not serve.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private AwsClients(AwsEndpoints endpoints)
    {
        Endpoints = endpoints;
        Http = AwsJsonClient.CreateHttpClient();
        var ddbConfig = new AmazonDynamoDBConfig();
        var sqsConfig = new AmazonSQSConfig();
        if (endpoints.DynamoDb is { } ddb)
        {
            ddbConfig.ServiceURL = ddb.ToString();
            ddbConfig.AuthenticationRegion = endpoints.Region;
        }
        else
        {
            ddbConfig.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoints.Region);
        }

        sqsConfig.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoints.Region);
        DynamoDb = endpoints.Credentials is { } c ? new AmazonDynamoDBClient(c, ddbConfig) : new AmazonDynamoDBClient(ddbConfig);
        Sqs = endpoints.Credentials is { } c2 ? new AmazonSQSClient(c2, sqsConfig) : new AmazonSQSClient(sqsConfig);
        Kinesis = new KinesisClient(endpoints, Http);
        Streams = new DynamoDbStreamsClient(endpoints, Http);
        StepFunctions = new StepFunctionsClient(endpoints, Http);
        Management = endpoints.ExecuteApi is null ? null : new ApiGatewayManagementClient(endpoints, Http);
    }

    public AwsEndpoints Endpoints { get; }

    public HttpClient Http { get; }

    public AmazonDynamoDBClient DynamoDb { get; }

    public AmazonSQSClient Sqs { get; }

    public KinesisClient Kinesis { get; }

    public DynamoDbStreamsClient Streams { get; }

    public StepFunctionsClient StepFunctions { get; }

    /// <summary>Null unless <see cref="AwsEndpoints.ExecuteApi"/> is set.</summary>
    public ApiGatewayManagementClient? Management { get; }

    /// <summary>Clients for <paramref name="endpoints"/>.</summary>
    public static AwsClients Create(AwsEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return new AwsClients(endpoints);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DynamoDb.Dispose();
        Sqs.Dispose();
        Kinesis.Dispose();
        Streams.Dispose();
        StepFunctions.Dispose();
        Management?.Dispose();
        Http.Dispose();
    }
}
