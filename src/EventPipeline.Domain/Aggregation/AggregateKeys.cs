using System.Globalization;

namespace EventPipeline.Domain.Aggregation;

/// <summary>Metric window sizes.</summary>
public enum Granularity
{
    /// <summary>One minute.</summary>
    Minute,

    /// <summary>One hour.</summary>
    Hour,

    /// <summary>One UTC day.</summary>
    Day,
}

/// <summary>Helpers for <see cref="Granularity"/>.</summary>
public static class Granularities
{
    private static readonly Granularity[] Ordered = [Granularity.Minute, Granularity.Hour, Granularity.Day];

    /// <summary>All granularities, smallest first.</summary>
    public static IReadOnlyList<Granularity> All { get; } = [Granularity.Minute, Granularity.Hour, Granularity.Day];

    // The fold walks the granularities several times per event: a span loop allocates nothing, where a foreach over
    // the IReadOnlyList boxes an enumerator each time.
    internal static ReadOnlySpan<Granularity> InOrder => Ordered;

    /// <summary>Length of a window.</summary>
    public static TimeSpan Size(this Granularity g) => g switch
    {
        Granularity.Minute => TimeSpan.FromMinutes(1),
        Granularity.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>Lower-case name used in keys and URLs.</summary>
    public static string Name(this Granularity g) => g switch
    {
        Granularity.Minute => "minute",
        Granularity.Hour => "hour",
        _ => "day",
    };

    /// <summary>Parses a lower-case name.</summary>
    public static bool TryParse(string? s, out Granularity g)
    {
        switch (s)
        {
            case "minute": g = Granularity.Minute; return true;
            case "hour": g = Granularity.Hour; return true;
            case "day": g = Granularity.Day; return true;
            default: g = default; return false;
        }
    }

    /// <summary>Start of the window containing <paramref name="t"/> (UTC).</summary>
    public static DateTimeOffset BucketStart(this Granularity g, DateTimeOffset t) => new(BucketStartTicks(g, t.UtcTicks), TimeSpan.Zero);

    /// <summary><see cref="BucketStart"/> in UTC ticks.</summary>
    internal static long BucketStartTicks(this Granularity g, long utcTicks) => utcTicks - (utcTicks % g.SizeTicks());

    /// <summary><see cref="Size"/> in ticks.</summary>
    internal static long SizeTicks(this Granularity g) => g switch
    {
        Granularity.Minute => TimeSpan.TicksPerMinute,
        Granularity.Hour => TimeSpan.TicksPerHour,
        _ => TimeSpan.TicksPerDay,
    };

    /// <summary>Sort-key form of a bucket start: <c>yyyy-MM-ddTHH:mm:ssZ</c>, which orders lexicographically by time.</summary>
    public static string BucketLabel(DateTimeOffset bucketStart) =>
        bucketStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Identity of one aggregate item. Storage keys: entity views under <c>T#{tenant}#E#{kind}</c> / <c>{id}</c>
/// (so a kind lists with one query), metric windows under <c>T#{tenant}#M#{metric}#{granularity}</c> / bucket start
/// (so a time range is one query), totals under <c>T#{tenant}#MT</c> / <c>{metric}</c> (so metric names list with one query),
/// late-event records under <c>T#{tenant}#L#{metric}</c> / <c>{source}#{eventId}</c>.
/// </summary>
public abstract record AggregateKey(string Tenant)
{
    /// <summary>Partition key.</summary>
    public abstract string Pk { get; }

    /// <summary>Sort key.</summary>
    public abstract string Sk { get; }

    /// <summary>Item kind stored in the <c>kind</c> attribute.</summary>
    public abstract string Kind { get; }

    /// <summary>Partition key of a tenant's views of one entity kind.</summary>
    public static string EntityPartition(string tenant, string kind) => $"T#{tenant}#E#{kind}";

    /// <summary>Partition key of a metric's windows of one granularity.</summary>
    public static string WindowPartition(string tenant, string metric, Granularity g) => $"T#{tenant}#M#{metric}#{g.Name()}";

    /// <summary>Partition key of a tenant's metric totals.</summary>
    public static string TotalsPartition(string tenant) => $"T#{tenant}#MT";
}

/// <summary>Key of an entity view.</summary>
public sealed record EntityKey(string Tenant, EntityRef Entity) : AggregateKey(Tenant)
{
    /// <inheritdoc />
    public override string Pk => EntityPartition(Tenant, Entity.Kind);

    /// <inheritdoc />
    public override string Sk => Entity.Id;

    /// <inheritdoc />
    public override string Kind => "entity";
}

/// <summary>Key of a metric window.</summary>
public sealed record WindowKey(string Tenant, string Metric, Granularity Granularity, DateTimeOffset BucketStart) : AggregateKey(Tenant)
{
    /// <inheritdoc />
    public override string Pk => WindowPartition(Tenant, Metric, Granularity);

    /// <inheritdoc />
    public override string Sk => Granularities.BucketLabel(BucketStart);

    /// <inheritdoc />
    public override string Kind => "window";
}

/// <summary>Key of a metric's all-time total (which also counts late events per granularity).</summary>
public sealed record TotalKey(string Tenant, string Metric) : AggregateKey(Tenant)
{
    /// <inheritdoc />
    public override string Pk => TotalsPartition(Tenant);

    /// <inheritdoc />
    public override string Sk => Metric;

    /// <inheritdoc />
    public override string Kind => "total";
}

/// <summary>Key of the record of one late event for one metric.</summary>
public sealed record LateEventKey(string Tenant, string Metric, string Source, string EventId) : AggregateKey(Tenant)
{
    /// <inheritdoc />
    public override string Pk => $"T#{Tenant}#L#{Metric}";

    /// <inheritdoc />
    public override string Sk => $"{Source}#{EventId}";

    /// <inheritdoc />
    public override string Kind => "late";
}
