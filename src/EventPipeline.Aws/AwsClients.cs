using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SQS;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws;

/// <summary>
/// The AWS clients of one function (built once per cold start, or once per locally hosted function) from
/// <see cref="AwsEndpoints"/>: the SDK's DynamoDB, SQS and SSM clients, and our signed clients for the services the
/// registry here does not serve. Each is created on first use, so a function pays only for the clients it calls.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private readonly Lazy<AmazonDynamoDBClient> _dynamo;
    private readonly Lazy<AmazonSQSClient> _sqs;
    private readonly Lazy<AmazonSimpleSystemsManagementClient> _ssm;
    private readonly Lazy<KinesisClient> _kinesis;
    private readonly Lazy<StepFunctionsClient> _stepFunctions;
    private readonly Lazy<ApiGatewayManagementClient> _management;
    private readonly Lazy<EventBridgeClient> _eventBridge;
    private readonly Lazy<HttpClient> _externalHttp = new(() => AwsJsonClient.CreateHttpClient(Timeout.InfiniteTimeSpan));

    private AwsClients(AwsEndpoints endpoints)
    {
        Endpoints = endpoints;
        Http = AwsJsonClient.CreateHttpClient();
        _dynamo = new(() => Sdk(endpoints.DynamoDb, new AmazonDynamoDBConfig(), (c, cfg) => new AmazonDynamoDBClient(c, cfg), cfg => new AmazonDynamoDBClient(cfg)));
        _sqs = new(() => Sdk(endpoints.Sqs, new AmazonSQSConfig(), (c, cfg) => new AmazonSQSClient(c, cfg), cfg => new AmazonSQSClient(cfg)));
        _ssm = new(() => Sdk(endpoints.Ssm, new AmazonSimpleSystemsManagementConfig(), (c, cfg) => new AmazonSimpleSystemsManagementClient(c, cfg), cfg => new AmazonSimpleSystemsManagementClient(cfg)));
        _kinesis = new(() => new KinesisClient(endpoints, Http));
        _stepFunctions = new(() => new StepFunctionsClient(endpoints, Http));
        _management = new(() => new ApiGatewayManagementClient(endpoints, Http));
        _eventBridge = new(() => new EventBridgeClient(endpoints, Http));
    }

    public AwsEndpoints Endpoints { get; }

    /// <summary>One HTTP client (connection pool) shared by the signed clients.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// The connection pool for calls outside AWS (the Graph API), made on first use. It has no overall timeout: its
    /// callers bound each attempt themselves (Graph's resilience pipeline), and HttpClient's own timeout would add a
    /// timer and a linked cancellation source to every request for a limit that never applies.
    /// </summary>
    public HttpClient ExternalHttp => _externalHttp.Value;

    public AmazonDynamoDBClient DynamoDb => _dynamo.Value;

    public AmazonSQSClient Sqs => _sqs.Value;

    public AmazonSimpleSystemsManagementClient Ssm => _ssm.Value;

    public KinesisClient Kinesis => _kinesis.Value;

    public StepFunctionsClient StepFunctions => _stepFunctions.Value;

    /// <summary>The @connections client of <see cref="AwsEndpoints.ExecuteApi"/> (throws naming the setting when unset).</summary>
    public ApiGatewayManagementClient Management => _management.Value;

    /// <summary>EventBridge (PutEvents, and the bus, rule and target calls the local stack deploys with).</summary>
    public EventBridgeClient EventBridge => _eventBridge.Value;

    /// <summary>Clients for <paramref name="endpoints"/>.</summary>
    public static AwsClients Create(AwsEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return new AwsClients(endpoints);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_externalHttp.IsValueCreated)
        {
            _externalHttp.Value.Dispose();
        }

        if (_dynamo.IsValueCreated)
        {
            _dynamo.Value.Dispose();
        }

        if (_sqs.IsValueCreated)
        {
            _sqs.Value.Dispose();
        }

        if (_ssm.IsValueCreated)
        {
            _ssm.Value.Dispose();
        }

        if (_kinesis.IsValueCreated)
        {
            _kinesis.Value.Dispose();
        }

        if (_stepFunctions.IsValueCreated)
        {
            _stepFunctions.Value.Dispose();
        }

        if (_eventBridge.IsValueCreated)
        {
            _eventBridge.Value.Dispose();
        }

        if (_management.IsValueCreated)
        {
            _management.Value.Dispose();
        }

        Http.Dispose();
    }

    private TClient Sdk<TConfig, TClient>(Uri? serviceUrl, TConfig config, Func<AWSCredentials, TConfig, TClient> withCredentials, Func<TConfig, TClient> withDefaultChain)
        where TConfig : ClientConfig
    {
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = Endpoints.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Endpoints.Region);
        }

        return Endpoints.Credentials is { } credentials ? withCredentials(credentials, config) : withDefaultChain(config);
    }
}
