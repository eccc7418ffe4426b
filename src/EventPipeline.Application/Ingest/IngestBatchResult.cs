using EventPipeline.Application.Tracing;

namespace EventPipeline.Application.Ingest;

/// <summary>What one Kinesis batch did.</summary>
public sealed record IngestBatchResult
{
    /// <summary>Records in the batch (KPL aggregates count once).</summary>
    public int Records { get; init; }

    /// <summary>Canonical events applied (a redelivered event this position owns counts again; its keys are skipped by watermark).</summary>
    public int Applied { get; init; }

    /// <summary>Events skipped because another stream position owns their dedup id (provider resends, redrives).</summary>
    public int Duplicates { get; init; }

    /// <summary>Applied events that missed at least one closed window (counted late on their metrics' totals).</summary>
    public int Late { get; init; }

    /// <summary>User records dead-lettered with a reason.</summary>
    public int DeadLettered { get; init; }

    /// <summary>Item writes: entity items, metric items, late-event records (at most one per distinct item, plus conflict retries).</summary>
    public int ItemWrites { get; init; }

    /// <summary>Chunks of older dedup fingerprints moved from entity items to the dedup store (the recent ones ride in the entity item's own write).</summary>
    public int DedupWrites { get; init; }

    /// <summary>Windows moved out of metric items into their own items (closed long enough ago).</summary>
    public int EvictedWindows { get; init; }

    /// <summary>Rejections by category (malformed, unknown-source, rejected, invalid-event, bad-aggregate).</summary>
    public IReadOnlyDictionary<string, int> DeadLettersByCategory { get; init; } = new Dictionary<string, int>();

    /// <summary>Sequence numbers to report as batch item failures (retried by the event source mapping).</summary>
    public IReadOnlyList<string> FailedSequenceNumbers { get; init; } = [];

    /// <summary>Where the batch spent its time: adapt, item reads, dedup (entity items), writes (metric items).</summary>
    public IngestStageTimes Stages { get; init; } = IngestStageTimes.None;
}
