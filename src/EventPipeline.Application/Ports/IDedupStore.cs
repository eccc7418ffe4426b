using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>
/// Where an entity's older dedup fingerprints go when they no longer fit in its entity item (the recent ones live in
/// the item itself, see <see cref="Ingest.AggregateWriter"/>): append-only chunks per entity, kept for the dedup retention.
/// </summary>
public interface IDedupStore
{
    /// <summary>Every fingerprint still kept for <paramref name="entity"/> (consistent read).</summary>
    Task<IReadOnlySet<ulong>> ReadAsync(EntityKey entity, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="fingerprints"/> for <paramref name="entity"/> in one new chunk; returns until when they are
    /// kept, or null when the store refused the write (the entity item is then not written in this attempt).</summary>
    Task<DateTimeOffset?> AppendAsync(EntityKey entity, IReadOnlyCollection<ulong> fingerprints, DateTimeOffset now, CancellationToken cancellationToken);
}
