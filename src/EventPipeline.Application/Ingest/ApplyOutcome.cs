namespace EventPipeline.Application.Ingest;

/// <summary>Result of applying one batch.</summary>
/// <param name="ItemWrites">Conditional writes that succeeded: at most one per distinct aggregate key (plus conflict retries).</param>
/// <param name="ConflictRetries">Writes retried because another shard wrote the same key first.</param>
/// <param name="KeysAlreadyApplied">Keys whose watermark showed every event already applied (redelivery).</param>
/// <param name="FailedSequenceNumbers">Kinesis sequence numbers of records with an event whose key could not be written.</param>
/// <param name="Applied">Events every key of which is now written (to be marked as seen for dedup).</param>
public sealed record ApplyOutcome(
    int ItemWrites,
    int ConflictRetries,
    int KeysAlreadyApplied,
    IReadOnlySet<string> FailedSequenceNumbers,
    IReadOnlyList<SequencedEvent> Applied);
