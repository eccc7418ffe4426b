using EventPipeline.Application.Tracing;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>An item as stored: its state, version, the last stream position applied from each shard, and (entity items) the dedup fingerprints.</summary>
/// <param name="State">The folded state: an aggregate, or a <see cref="MetricState"/> for a metric's item. Owned by the caller: stores hand out a copy on every read.</param>
/// <param name="Version">Incremented by every write (0: never written).</param>
/// <param name="Watermarks">Shard id → encoded <see cref="Ingest.StreamPosition"/> of the last event applied from it.</param>
public sealed record StoredAggregate(AggregateState State, long Version, IReadOnlyDictionary<string, string> Watermarks)
{
    /// <summary>Entity items: fingerprints of the recent events applied to this entity and of the positions skipped as their copies, oldest first.</summary>
    public IReadOnlyList<ulong> DedupFingerprints { get; init; } = [];

    /// <summary>Entity items: until when the dedup store keeps older fingerprints of this entity (null: it holds none).</summary>
    public DateTimeOffset? DedupOverflowUntil { get; init; }

    /// <summary>Entity items: the trace of the oldest new event of the write that made this version (null: untraced).</summary>
    public EventTrace? Trace { get; init; }
}
