using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ports;

/// <summary>The read side of the aggregates, for queries: each method is one request per page to the store.</summary>
public interface IAggregateReader
{
    /// <summary>One aggregate, or null.</summary>
    Task<StoredAggregate?> GetAsync(AggregateKey key, CancellationToken cancellationToken);

    /// <summary>A page of a tenant's entity views of one kind, in id order, after <paramref name="afterId"/>.</summary>
    Task<AggregatePage> EntitiesAsync(string tenant, string kind, int limit, string? afterId, CancellationToken cancellationToken);

    /// <summary>Every metric total of a tenant (at most <paramref name="max"/>).</summary>
    Task<IReadOnlyList<StoredAggregate>> TotalsAsync(string tenant, int max, CancellationToken cancellationToken);

    /// <summary>A metric's windows of one granularity whose buckets start in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    Task<IReadOnlyList<StoredAggregate>> WindowsAsync(string tenant, string metric, Granularity granularity, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken);
}
