using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>
/// Where aggregates are stored: one item per <see cref="AggregateKey"/> (a metric's total and live windows share the
/// metric's item, <see cref="MetricState"/>) with a version for optimistic concurrency and the per-shard watermarks of
/// the exactly-once protocol (<see cref="Ingest.AggregateWriter"/>). Reads are strongly consistent; a write succeeds
/// only if the stored version is still the expected one.
/// </summary>
public interface IAggregateItems
{
    /// <summary>The stored items of <paramref name="keys"/>; keys without an item are absent from the result.</summary>
    Task<IReadOnlyDictionary<AggregateKey, StoredAggregate>> ReadAsync(IReadOnlyCollection<AggregateKey> keys, CancellationToken cancellationToken);

    /// <summary>The stored item of <paramref name="key"/>, or null.</summary>
    Task<StoredAggregate?> ReadAsync(AggregateKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="item"/> if the stored version is <paramref name="expectedVersion"/> (0: no item yet).
    /// </summary>
    /// <returns><see cref="WriteOutcome.Conflict"/> when another writer got there first, with the item it stored when the
    /// store returns it; <see cref="WriteOutcome.Unavailable"/> when the store refused or failed the write (the caller
    /// retries the record later).</returns>
    Task<WriteResult> WriteAsync(StoredAggregate item, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Stores windows evicted from a metric item as their own items, each unless an eviction from a later metric-item
    /// version already stored it. Must complete before the metric item without them is written.
    /// </summary>
    /// <returns><see cref="WriteOutcome.Written"/>, or <see cref="WriteOutcome.Unavailable"/> when the store failed.</returns>
    Task<WriteOutcome> StoreEvictedAsync(IReadOnlyCollection<WindowState> windows, long metricVersion, DateTimeOffset now, CancellationToken cancellationToken);
}
