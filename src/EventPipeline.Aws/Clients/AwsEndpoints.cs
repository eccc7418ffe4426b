using Amazon.Runtime;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// Where and as whom the signed clients call AWS: the region, the credentials, and per-service endpoint overrides
/// (the local stack points them at DynamoDB Local, kinesis-mock and its own API Gateway emulation).
/// </summary>
public sealed record AwsEndpoints
{
    /// <summary>Environment variable overriding the Kinesis endpoint.</summary>
    public const string KinesisEndpointVariable = "EVENTPIPELINE_KINESIS_ENDPOINT";

    /// <summary>Environment variable overriding the DynamoDB endpoint (and the Streams endpoint unless that is set).</summary>
    public const string DynamoDbEndpointVariable = "EVENTPIPELINE_DYNAMODB_ENDPOINT";

    /// <summary>Environment variable overriding the DynamoDB Streams endpoint.</summary>
    public const string DynamoDbStreamsEndpointVariable = "EVENTPIPELINE_DYNAMODB_STREAMS_ENDPOINT";

    /// <summary>Environment variable overriding the Step Functions endpoint.</summary>
    public const string StepFunctionsEndpointVariable = "EVENTPIPELINE_STATES_ENDPOINT";

    /// <summary>Environment variable holding the WebSocket management endpoint, <c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c>.</summary>
    public const string WebSocketManagementEndpointVariable = "EVENTPIPELINE_WEBSOCKET_MANAGEMENT_ENDPOINT";

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

    /// <summary>The Step Functions endpoint to call.</summary>
    public Uri StepFunctionsEndpoint => StepFunctions ?? RegionalEndpoint("states");

    /// <summary>The WebSocket management endpoint; throws naming the setting when it is missing.</summary>
    public Uri ExecuteApiEndpoint => ExecuteApi ?? throw new InvalidOperationException(
        $"{nameof(ExecuteApi)} is not set: the WebSocket management endpoint has no default; set {WebSocketManagementEndpointVariable} " +
        "to https://{api}.execute-api.{region}.amazonaws.com/{stage}.");

    /// <summary>
    /// Reads AWS_REGION (else AWS_DEFAULT_REGION) and the EVENTPIPELINE_*_ENDPOINT overrides. Credentials come from
    /// the SDK's default chain. <paramref name="getVariable"/> replaces <see cref="Environment.GetEnvironmentVariable(string)"/> in tests.
    /// </summary>
    public static AwsEndpoints FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var region = NonEmpty(getVariable("AWS_REGION")) ?? NonEmpty(getVariable("AWS_DEFAULT_REGION"))
            ?? throw new InvalidOperationException("AWS_REGION is not set (nor AWS_DEFAULT_REGION): the clients need a signing region.");
        return new AwsEndpoints
        {
            Region = region,
            Kinesis = ParseEndpoint(getVariable, KinesisEndpointVariable),
            DynamoDb = ParseEndpoint(getVariable, DynamoDbEndpointVariable),
            DynamoDbStreams = ParseEndpoint(getVariable, DynamoDbStreamsEndpointVariable),
            ExecuteApi = ParseEndpoint(getVariable, WebSocketManagementEndpointVariable),
            StepFunctions = ParseEndpoint(getVariable, StepFunctionsEndpointVariable),
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

/// <summary>Bounded exponential backoff with full jitter: attempt n waits a random time in [0, min(MaxDelay, BaseDelay·2ⁿ)).</summary>
public sealed record AwsRetryOptions
{
    /// <summary>Total tries including the first; 1 disables retries.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The backoff cap before jitter for the first retry.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>No single wait exceeds this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
}
