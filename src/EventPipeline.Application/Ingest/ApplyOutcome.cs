namespace EventPipeline.Application.Ingest;

/// <summary>Result of applying one batch.</summary>
/// <param name="ItemWrites">Conditional writes that succeeded: at most one per distinct item (plus conflict retries).</param>
/// <param name="ConflictRetries">Writes retried because another shard wrote the same item first.</param>
/// <param name="KeysAlreadyApplied">Items whose watermark showed every event already applied (redelivery).</param>
/// <param name="DedupWrites">Chunks of older dedup fingerprints moved out of entity items into the dedup store.</param>
/// <param name="EvictedWindows">Windows moved out of metric items into their own items.</param>
/// <param name="Duplicates">Events skipped because another stream position applied their dedup id.</param>
/// <param name="FailedSequenceNumbers">Kinesis sequence numbers of records to retry (an item of theirs, or of an earlier event, could not be written).</param>
/// <param name="Applied">Events that are now in every item they change.</param>
public sealed record ApplyOutcome(
    int ItemWrites,
    int ConflictRetries,
    int KeysAlreadyApplied,
    int DedupWrites,
    int EvictedWindows,
    int Duplicates,
    IReadOnlySet<string> FailedSequenceNumbers,
    IReadOnlyList<SequencedEvent> Applied)
{
    /// <summary>Reading the items the cache did not hold.</summary>
    public TimeSpan ReadTime { get; init; }

    /// <summary>Round one: the entity items' claims (their writes decide duplicates).</summary>
    public TimeSpan DedupTime { get; init; }

    /// <summary>Round two: the metric items and late-event records.</summary>
    public TimeSpan WriteTime { get; init; }
}
