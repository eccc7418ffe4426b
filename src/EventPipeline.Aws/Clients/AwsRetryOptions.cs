using Amazon.Runtime;

namespace EventPipeline.Aws.Clients;

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
