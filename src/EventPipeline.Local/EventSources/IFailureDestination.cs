using System.Collections.Concurrent;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// Where a poller sends records it gives up on (Lambda's on-failure destination of a stream event source mapping;
/// an SQS queue in AWS).
/// </summary>
public interface IFailureDestination
{
    /// <summary>
    /// Stores one on-failure record. When it throws, the poller keeps the shard where it is and tries again with
    /// backoff: a record is never skipped because its destination is down.
    /// </summary>
    Task SendAsync(StreamFailureRecord record, CancellationToken cancellationToken);
}

/// <summary>Why records were given up (the <c>condition</c> of Lambda's on-failure invocation record).</summary>
public static class FailureConditions
{
    /// <summary>The batch failed on every attempt up to MaximumRetryAttempts.</summary>
    public const string RetryAttemptsExhausted = "RetryAttemptsExhausted";

    /// <summary>The records were older than MaximumRecordAgeSeconds before they could be processed.</summary>
    public const string RecordAgeExceeded = "RecordAgeExceeded";
}

/// <summary>An <see cref="IFailureDestination"/> that keeps records in memory (tests, the local dashboard).</summary>
public sealed class InMemoryFailureDestination : IFailureDestination
{
    private readonly ConcurrentQueue<StreamFailureRecord> _records = new();

    /// <summary>Raised after a record is stored.</summary>
    public event Action<StreamFailureRecord>? Received;

    /// <summary>Everything received so far, oldest first.</summary>
    public IReadOnlyList<StreamFailureRecord> Records => [.. _records];

    /// <inheritdoc />
    public Task SendAsync(StreamFailureRecord record, CancellationToken cancellationToken)
    {
        _records.Enqueue(record);
        Received?.Invoke(record);
        return Task.CompletedTask;
    }
}
