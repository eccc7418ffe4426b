using Amazon.Runtime;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// Where and as whom the signed clients call AWS: the region, the credentials, and per-service endpoint overrides
/// (the local stack points them at DynamoDB Local, kinesis-mock and its own API Gateway emulation).
/// </summary>
public sealed record AwsEndpoints
{
    /// <summary>The SDKs' standard variable for one endpoint for every service (the local stack's AWS endpoint).</summary>
    public const string EndpointUrlVariable = "AWS_ENDPOINT_URL";

    /// <summary>Kinesis endpoint override (the SDKs' service-specific variable).</summary>
    public const string KinesisEndpointVariable = "AWS_ENDPOINT_URL_KINESIS";

    /// <summary>DynamoDB endpoint override.</summary>
    public const string DynamoDbEndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";

    /// <summary>DynamoDB Streams endpoint override.</summary>
    public const string DynamoDbStreamsEndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB_STREAMS";

    /// <summary>Step Functions endpoint override.</summary>
    public const string StepFunctionsEndpointVariable = "AWS_ENDPOINT_URL_SFN";

    /// <summary>SQS endpoint override.</summary>
    public const string SqsEndpointVariable = "AWS_ENDPOINT_URL_SQS";

    /// <summary>SSM endpoint override.</summary>
    public const string SsmEndpointVariable = "AWS_ENDPOINT_URL_SSM";

    /// <summary>EventBridge endpoint override.</summary>
    public const string EventBridgeEndpointVariable = "AWS_ENDPOINT_URL_EVENTBRIDGE";

    /// <summary>The signing region, e.g. <c>eu-west-1</c>.</summary>
    public required string Region { get; init; }

    /// <summary>
    /// The credentials provider. Null means AWSSDK.Core's default chain (environment, profile, web identity,
    /// container/EC2), resolved on first use. The local stack passes fixed dummy <see cref="BasicAWSCredentials"/>.
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Kinesis endpoint override; default <c>https://kinesis.{region}.amazonaws.com</c>.</summary>
    public Uri? Kinesis { get; init; }

    /// <summary>DynamoDB endpoint override; default <c>https://dynamodb.{region}.amazonaws.com</c>.</summary>
    public Uri? DynamoDb { get; init; }

    /// <summary>DynamoDB Streams endpoint override; default the <see cref="DynamoDb"/> override (DynamoDB Local serves
    /// both on one port), else <c>https://streams.dynamodb.{region}.amazonaws.com</c>.</summary>
    public Uri? DynamoDbStreams { get; init; }

    /// <summary>The WebSocket API's management endpoint including the stage path; there is no default.</summary>
    public Uri? ExecuteApi { get; init; }

    /// <summary>Step Functions endpoint override; default <c>https://states.{region}.amazonaws.com</c>.</summary>
    public Uri? StepFunctions { get; init; }

    /// <summary>SQS endpoint override; default the SDK's regional endpoint.</summary>
    public Uri? Sqs { get; init; }

    /// <summary>EventBridge endpoint override; default <c>https://events.{region}.amazonaws.com</c>.</summary>
    public Uri? EventBridge { get; init; }

    /// <summary>SSM Parameter Store endpoint override; default the SDK's regional endpoint.</summary>
    public Uri? Ssm { get; init; }

    /// <summary>Retry policy for throttling, 5xx and transport errors.</summary>
    public AwsRetryOptions Retry { get; init; } = new();

    /// <summary>Dummy keys for the local emulators, which check a signature's shape but not its key.</summary>
    public static BasicAWSCredentials LocalCredentials() => new("local", "local");

    /// <summary>The Kinesis endpoint to call.</summary>
    public Uri KinesisEndpoint => Kinesis ?? RegionalEndpoint("kinesis");

    /// <summary>The DynamoDB endpoint to call.</summary>
    public Uri DynamoDbEndpoint => DynamoDb ?? RegionalEndpoint("dynamodb");

    /// <summary>The DynamoDB Streams endpoint to call.</summary>
    public Uri DynamoDbStreamsEndpoint => DynamoDbStreams ?? DynamoDb ?? RegionalEndpoint("streams.dynamodb");

    /// <summary>The EventBridge endpoint to call.</summary>
    public Uri EventBridgeEndpoint => EventBridge ?? RegionalEndpoint("events");

    /// <summary>The Step Functions endpoint to call.</summary>
    public Uri StepFunctionsEndpoint => StepFunctions ?? RegionalEndpoint("states");

    /// <summary>The WebSocket management endpoint; throws naming the setting when it is missing.</summary>
    public Uri ExecuteApiEndpoint => ExecuteApi ?? throw new InvalidOperationException(
        $"{nameof(ExecuteApi)} is not set: the WebSocket management endpoint has no default; set {Topology.PipelineTopology.Environment.WebSocketManagementEndpoint} " +
        "to https://{api}.execute-api.{region}.amazonaws.com/{stage}.");

    /// <summary>
    /// Reads what Lambda (or the local stack) puts in a function's environment: AWS_REGION (else AWS_DEFAULT_REGION), the
    /// execution role's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; the SDK's default chain
    /// when absent), and the SDKs' standard endpoint overrides (AWS_ENDPOINT_URL_&lt;SERVICE&gt;, else AWS_ENDPOINT_URL).
    /// <paramref name="getVariable"/> replaces the process environment: the local stack hosts several functions in one
    /// process, each with its own environment.
    /// </summary>
    public static AwsEndpoints FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var region = NonEmpty(getVariable("AWS_REGION")) ?? NonEmpty(getVariable("AWS_DEFAULT_REGION"))
            ?? throw new InvalidOperationException("AWS_REGION is not set (nor AWS_DEFAULT_REGION): the clients need a signing region.");
        var all = ParseEndpoint(getVariable, EndpointUrlVariable);
        Uri? Service(string variable) => ParseEndpoint(getVariable, variable) ?? all;
        AWSCredentials? credentials = null;
        if (NonEmpty(getVariable("AWS_ACCESS_KEY_ID")) is { } key && NonEmpty(getVariable("AWS_SECRET_ACCESS_KEY")) is { } secret)
        {
            credentials = NonEmpty(getVariable("AWS_SESSION_TOKEN")) is { } token
                ? new SessionAWSCredentials(key, secret, token)
                : new BasicAWSCredentials(key, secret);
        }

        return new AwsEndpoints
        {
            Region = region,
            Credentials = credentials,
            Kinesis = Service(KinesisEndpointVariable),
            DynamoDb = Service(DynamoDbEndpointVariable),
            DynamoDbStreams = Service(DynamoDbStreamsEndpointVariable),
            StepFunctions = Service(StepFunctionsEndpointVariable),
            Sqs = Service(SqsEndpointVariable),
            Ssm = Service(SsmEndpointVariable),
            EventBridge = Service(EventBridgeEndpointVariable),
        };
    }

    private Uri RegionalEndpoint(string prefix)
    {
        // China partition regions live under amazonaws.com.cn; every other commercial region under amazonaws.com.
        var suffix = Region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{prefix}.{Region}.{suffix}");
    }

    private static Uri? ParseEndpoint(Func<string, string?> getVariable, string name)
    {
        var value = NonEmpty(getVariable(name));
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"{name} must be an absolute http(s) URL, got '{value}'.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
