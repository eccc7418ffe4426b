using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Query;

/// <summary>
/// Reads of one tenant's aggregates and channel change logs. The tenant always comes from the caller's verified token,
/// never from the request, so another tenant's data cannot be addressed. Each answer is one store request per page.
/// </summary>
/// <param name="reader">The aggregates' read side.</param>
/// <param name="changeLog">Channel change logs.</param>
/// <param name="clock">Clock (default metric range: the last 60 windows).</param>
public sealed class AggregateQueries(IAggregateReader reader, IChangeLog changeLog, TimeProvider clock)
{
    /// <summary>Most windows one metric query may return.</summary>
    public const int MaxWindows = 1440;

    /// <summary>Largest page of entities.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Most metric totals listed.</summary>
    public const int MaxMetrics = 10_000;

    /// <summary>Largest page of logged changes.</summary>
    public const int MaxChanges = 1000;

    /// <summary>
    /// Entities (kind and id, ≈ 100 bytes each in the keys-only index) one page of entity kinds reads: one query of at
    /// most ≈ 100 KB, ≈ 13 read units.
    /// </summary>
    public const int EntitiesPerKindPage = 1000;

    /// <summary>
    /// A page of the tenant's entity kinds with how many entities each has, in kind order: one read of at most
    /// <see cref="EntitiesPerKindPage"/> entities of the tenant's index partition. Counts are exact: a kind whose
    /// entities span several reads is counted on across pages (the cursor carries the count so far) and listed once.
    /// </summary>
    /// <param name="tenant">The caller's tenant (from the verified token).</param>
    /// <param name="limit">Most kinds on the page.</param>
    /// <param name="after">The previous page's <see cref="EntityKindPage.Next"/>, or null for the first page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<QueryOutcome<EntityKindPage>> EntityKindsAsync(string tenant, int limit, EntityKindCursor? after, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return QueryOutcome.Invalid<EntityKindPage>("limit", $"must be an integer from 1 to {MaxPageSize}");
        }

        if (after is not null && (!Names.IsValidName(after.Kind) || !Names.IsValidId(after.AfterId) || after.Counted < 0))
        {
            return QueryOutcome.Invalid<EntityKindPage>("cursor", "must be a cursor returned by a previous page");
        }

        var start = after is null ? null : new EntityRef(after.Kind, after.AfterId);
        var page = await reader.EntityRefsAsync(tenant, start, EntitiesPerKindPage, cancellationToken);
        var kinds = new List<EntityKindCount>();
        var kind = after?.Kind;
        var count = after?.Counted ?? 0;
        var last = start;
        foreach (var entity in page.Entities)
        {
            if (entity.Kind != kind)
            {
                if (kind is not null && count > 0)
                {
                    kinds.Add(new EntityKindCount(kind, count));
                    if (kinds.Count == limit)
                    {
                        // Full: the next page starts at this entity, the first of its kind.
                        return QueryOutcome.Found(new EntityKindPage(kinds, new EntityKindCursor(last!.Kind, last.Id, 0)));
                    }
                }

                kind = entity.Kind;
                count = 0;
            }

            count++;
            last = entity;
        }

        if (page.NextAfter is { } next)
        {
            // The last kind read may go on in the next read: carry its count.
            return QueryOutcome.Found(new EntityKindPage(kinds, new EntityKindCursor(next.Kind, next.Id, next.Kind == kind ? count : 0)));
        }

        if (kind is not null && count > 0)
        {
            kinds.Add(new EntityKindCount(kind, count));
        }

        return QueryOutcome.Found(new EntityKindPage(kinds, null));
    }

    /// <summary>One entity view.</summary>
    public async Task<QueryOutcome<StoredAggregate>> EntityAsync(string tenant, string kind, string id, CancellationToken cancellationToken)
    {
        if (!Names.IsValidName(kind))
        {
            return QueryOutcome.Invalid<StoredAggregate>("kind", Names.NameRule);
        }

        if (!Names.IsValidId(id))
        {
            return QueryOutcome.Invalid<StoredAggregate>("id", Names.IdRule);
        }

        return await reader.GetAsync(new EntityKey(tenant, new EntityRef(kind, id)), cancellationToken) is { } found
            ? QueryOutcome.Found<StoredAggregate>(found)
            : QueryOutcome.NotFound<StoredAggregate>("id", $"no entity {kind}/{id}");
    }

    /// <summary>A page of entity views of one kind; <paramref name="after"/> is the previous page's <see cref="AggregatePage.NextAfter"/>.</summary>
    public async Task<QueryOutcome<AggregatePage>> EntitiesAsync(string tenant, string kind, int limit, string? after, CancellationToken cancellationToken)
    {
        if (!Names.IsValidName(kind))
        {
            return QueryOutcome.Invalid<AggregatePage>("kind", Names.NameRule);
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return QueryOutcome.Invalid<AggregatePage>("limit", $"must be an integer from 1 to {MaxPageSize}");
        }

        if (after is not null && !Names.IsValidId(after))
        {
            return QueryOutcome.Invalid<AggregatePage>("cursor", "must be a cursor returned by a previous page");
        }

        return QueryOutcome.Found<AggregatePage>(await reader.EntitiesAsync(tenant, kind, limit, after, cancellationToken));
    }

    /// <summary>Every metric's all-time total.</summary>
    public async Task<IReadOnlyList<StoredAggregate>> MetricsAsync(string tenant, CancellationToken cancellationToken) =>
        await reader.TotalsAsync(tenant, MaxMetrics, cancellationToken);

    /// <summary>A metric's total and its windows of one granularity in [from, to] (default: the last 60 windows up to now).</summary>
    public async Task<QueryOutcome<MetricWindows>> MetricAsync(string tenant, string name, string? granularity, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        if (!Names.IsValidName(name))
        {
            return QueryOutcome.Invalid<MetricWindows>("name", Names.NameRule);
        }

        if (!Granularities.TryParse(granularity, out var g))
        {
            return QueryOutcome.Invalid<MetricWindows>("granularity", "required, one of: minute, hour, day");
        }

        var end = to ?? clock.GetUtcNow();
        var start = from ?? end - (g.Size() * 60);
        if (start >= end)
        {
            return QueryOutcome.Invalid<MetricWindows>("from", "must be before 'to'");
        }

        if ((end - start).Ticks / g.Size().Ticks > MaxWindows)
        {
            return QueryOutcome.Invalid<MetricWindows>("to", $"range must span at most {MaxWindows} {g.Name()} windows");
        }

        if (await reader.MetricAsync(tenant, name, g, g.BucketStart(start), g.BucketStart(end), MaxWindows + 1, cancellationToken) is not { } metric)
        {
            return QueryOutcome.NotFound<MetricWindows>("name", $"no metric '{name}'");
        }

        return QueryOutcome.Found<MetricWindows>(new MetricWindows(name, g, g.BucketStart(start), g.BucketStart(end), metric.Total, metric.Windows));
    }

    /// <summary>Logged pushes of a channel after <paramref name="since"/>, or that the log no longer covers them.</summary>
    public async Task<QueryOutcome<ChangesSince>> ChangesAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken)
    {
        if (Channels.Validate(channel) is { } rule)
        {
            return QueryOutcome.Invalid<ChangesSince>("channel", rule);
        }

        if (since < 0)
        {
            return QueryOutcome.Invalid<ChangesSince>("since", "required, a non-negative integer sequence");
        }

        if (limit is < 1 or > MaxChanges)
        {
            return QueryOutcome.Invalid<ChangesSince>("limit", $"must be an integer from 1 to {MaxChanges}");
        }

        return QueryOutcome.Found<ChangesSince>(await changeLog.ReadSinceAsync(tenant, channel, since, limit, cancellationToken));
    }
}
