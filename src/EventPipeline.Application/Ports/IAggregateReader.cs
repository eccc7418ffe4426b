using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>The read side of the aggregates, for queries: each method is one request per page to the store.</summary>
public interface IAggregateReader
{
    /// <summary>One entity view or metric total, or null.</summary>
    Task<StoredAggregate?> GetAsync(AggregateKey key, CancellationToken cancellationToken);

    /// <summary>A page of a tenant's entity views of one kind, in id order, after <paramref name="afterId"/>.</summary>
    Task<AggregatePage> EntitiesAsync(string tenant, string kind, int limit, string? afterId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of a tenant's entities, kind and id only, grouped by kind in kind order (within a kind in the store's
    /// order), after <paramref name="after"/> (at most <paramref name="max"/>): one query of the tenant's own partition
    /// of the entities-by-kind index, never a read of another tenant's items.
    /// </summary>
    Task<EntityRefPage> EntityRefsAsync(string tenant, EntityRef? after, int max, CancellationToken cancellationToken);

    /// <summary>Every metric total of a tenant (at most <paramref name="max"/>).</summary>
    Task<IReadOnlyList<StoredAggregate>> TotalsAsync(string tenant, int max, CancellationToken cancellationToken);

    /// <summary>
    /// A metric's total and its windows of one granularity whose buckets start in [<paramref name="from"/>,
    /// <paramref name="to"/>] (at most <paramref name="max"/>), or null for an unknown metric: the metric item (total and
    /// live windows) and one query per page of the windows evicted from it.
    /// </summary>
    Task<StoredMetric?> MetricAsync(string tenant, string metric, Granularity granularity, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken);
}
