namespace EventPipeline.Aws.Clients;

/// <summary>
/// The API Gateway management API of a WebSocket API (<c>POST/DELETE {endpoint}/@connections/{id}</c>, REST-JSON,
/// signing name <c>execute-api</c>). Our own because AWSSDK.ApiGatewayManagementApi is not served here.
/// </summary>
public interface IApiGatewayManagementClient
{
    /// <summary>Posts data to a connection. Throws <see cref="GoneException"/> on 410, <see cref="AwsServiceException"/> otherwise.</summary>
    Task PostToConnectionAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Closes a connection. A connection already gone is not an error.</summary>
    Task DeleteConnectionAsync(string connectionId, CancellationToken cancellationToken);
}

/// <summary>Step Functions StartExecution (JSON 1.0, target <c>AWSStepFunctions.StartExecution</c>).</summary>
public interface IStepFunctionsClient
{
    /// <summary>Starts an execution; the same <paramref name="name"/> with the same input is idempotent for Standard workflows.</summary>
    Task<StartExecutionResult> StartExecutionAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken);
}

public sealed record StartExecutionResult(string ExecutionArn, DateTimeOffset StartDate);

/// <summary>An error an AWS service answered with: HTTP status, the <c>__type</c>/code and its message.</summary>
public class AwsServiceException(int statusCode, string errorCode, string message)
    : Exception($"{errorCode} ({statusCode}): {message}")
{
    public int StatusCode { get; } = statusCode;

    public string ErrorCode { get; } = errorCode;

    /// <summary>
    /// Throttling and 5xx: worth retrying with backoff. Kinesis and DynamoDB throttle with
    /// <c>ProvisionedThroughputExceededException</c> (HTTP 400), so that code counts too.
    /// </summary>
    public bool IsRetryable => StatusCode >= 500 || StatusCode == 429 || ErrorCode.Contains("Throttl", StringComparison.Ordinal)
        || ErrorCode.Contains("LimitExceeded", StringComparison.Ordinal)
        || ErrorCode.Contains("ProvisionedThroughputExceeded", StringComparison.Ordinal);
}

/// <summary>410 Gone from PostToConnection: the connection no longer exists.</summary>
public sealed class GoneException(string connectionId)
    : AwsServiceException(410, "GoneException", $"connection {connectionId} is gone")
{
    public string ConnectionId { get; } = connectionId;
}
