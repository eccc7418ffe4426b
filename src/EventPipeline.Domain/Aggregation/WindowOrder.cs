namespace EventPipeline.Domain.Aggregation;

/// <summary>Orders window keys by granularity, then bucket start (the order a metric item stores its live windows in).</summary>
public sealed class WindowOrder : IComparer<WindowKey>
{
    /// <summary>The one instance.</summary>
    public static WindowOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(WindowKey? x, WindowKey? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        // Compared as integers: Enum.CompareTo(object) boxes both values on every comparison of the windows' sorted map.
        var c = ((int)x.Granularity).CompareTo((int)y.Granularity);
        return c != 0 ? c : x.BucketStart.UtcTicks.CompareTo(y.BucketStart.UtcTicks);
    }
}
