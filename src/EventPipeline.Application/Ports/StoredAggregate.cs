using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>An aggregate as stored: its state, version and the last stream position applied from each shard.</summary>
/// <param name="State">The folded state. Owned by the caller: stores hand out a copy on every read.</param>
/// <param name="Version">Incremented by every write (0: never written).</param>
/// <param name="Watermarks">Shard id → encoded <see cref="Ingest.StreamPosition"/> of the last event applied from it.</param>
public sealed record StoredAggregate(AggregateState State, long Version, IReadOnlyDictionary<string, string> Watermarks);
