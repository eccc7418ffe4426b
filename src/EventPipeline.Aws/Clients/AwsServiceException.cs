namespace EventPipeline.Aws.Clients;

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
