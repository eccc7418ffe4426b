namespace EventPipeline.Domain.Aggregation;

/// <summary>
/// One stored item per (tenant, metric): the metric's all-time total and its <b>live</b> windows of every granularity,
/// so an event changes one item per metric instead of a total and three windows. Windows that closed long enough ago
/// are evicted (<see cref="TakeEvictable"/>) into their own items, which nothing folds into again; a window found
/// evicted when a late-processed event needs it is brought back (<see cref="Restore"/>) and evicted again later.
/// Readers take a window from here when it is here, else from its evicted item ("the metric item wins").
/// </summary>
public sealed class MetricState(TotalKey key) : AggregateState
{
    /// <summary>How long after a window closes (end + grace) it stays live before it may be evicted.</summary>
    public static readonly TimeSpan EvictionDelay = TimeSpan.FromMinutes(5);

    /// <summary>Evictions wait until the oldest evictable window is this far past its close, so one eviction moves several windows.</summary>
    public static readonly TimeSpan EvictionBatching = TimeSpan.FromMinutes(10);

    private readonly DateTimeOffset?[] _evictedBefore = new DateTimeOffset?[3];

    // Per granularity, the window the latest event landed in (a lookup hint, not content: never copied or compared).
    private readonly WindowState?[] _lastWindow = new WindowState?[3];

    /// <inheritdoc />
    public override AggregateKey Key => key;

    /// <summary>The metric's name.</summary>
    public string Metric => key.Metric;

    /// <summary>The all-time total (with late counts).</summary>
    public TotalState Total { get; } = new(key);

    /// <summary>The live windows, by granularity then bucket.</summary>
    public SortedDictionary<WindowKey, WindowState> Windows { get; } = new(WindowOrder.Instance);

    /// <summary>Latest arrival time of an event folded in: evictions are decided against it, not against a clock.</summary>
    public DateTimeOffset? LatestArrival { get; set; }

    /// <summary>Per granularity: windows whose bucket starts before this may have been evicted (null: none ever was).</summary>
    public DateTimeOffset? EvictedBefore(Granularity g) => _evictedBefore[(int)g];

    /// <summary>Sets <see cref="EvictedBefore"/> (storage round trip).</summary>
    public void SetEvictedBefore(Granularity g, DateTimeOffset? bucket) => _evictedBefore[(int)g] = bucket;

    /// <summary>The public aggregates this item holds: the total, then every live window.</summary>
    public IEnumerable<AggregateState> Aggregates
    {
        get
        {
            yield return Total;
            foreach (var w in Windows.Values)
            {
                yield return w;
            }
        }
    }

    /// <summary>The windows of granularity <paramref name="g"/> an event lands in (none when that window closed before its arrival).</summary>
    public WindowKey? WindowOf(CanonicalEvent e, Granularity g, in AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(e);
        return context.IsLate(e.OccurredAt, g) ? null : new WindowKey(key.Tenant, key.Metric, g, g.BucketStart(e.OccurredAt));
    }

    /// <summary>True when <paramref name="window"/> is not live here but may exist as an evicted item.</summary>
    public bool MayBeEvicted(WindowKey window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return !Windows.ContainsKey(window) && _evictedBefore[(int)window.Granularity] is { } before && window.BucketStart < before;
    }

    /// <summary>Brings an evicted window back to live (its stored statistics), before events are folded into it.</summary>
    public void Restore(WindowState evicted)
    {
        ArgumentNullException.ThrowIfNull(evicted);
        var copy = new WindowState(evicted.WindowKey);
        copy.Stats.CopyFrom(evicted.Stats);
        Windows[evicted.WindowKey] = copy;
    }

    /// <inheritdoc />
    public override void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(e);
        Total.Apply(e, metricValue, context);
        foreach (var g in Granularities.InOrder)
        {
            if (!context.IsLate(e.OccurredAt, g))
            {
                LiveWindow(g, g.BucketStart(e.OccurredAt)).Apply(e, metricValue, context);
            }
        }

        LatestArrival = LatestArrival is { } l && l >= context.Now ? l : context.Now;
        NoteChangedBy(e.Source);
    }

    // The live window of granularity g starting at bucket, created when missing. Events folded together mostly share
    // their windows, so the one the previous event landed in is tried first, which saves allocating a key per event and
    // granularity. Windows is public and changed by eviction, Restore and the storage mapper, so the remembered window
    // is used only while it is still the one stored under its key.
    private WindowState LiveWindow(Granularity g, DateTimeOffset bucket)
    {
        if (_lastWindow[(int)g] is { } last && last.WindowKey.BucketStart.UtcTicks == bucket.UtcTicks
            && Windows.TryGetValue(last.WindowKey, out var stored) && ReferenceEquals(stored, last))
        {
            return last;
        }

        var wk = new WindowKey(key.Tenant, key.Metric, g, bucket);
        if (!Windows.TryGetValue(wk, out var window))
        {
            window = new WindowState(wk);
            Windows[wk] = window;
        }

        _lastWindow[(int)g] = window;
        return window;
    }

    /// <summary>
    /// Removes and returns the windows closed (end + grace) at least <see cref="EvictionDelay"/> before
    /// <see cref="LatestArrival"/> — only once the oldest of them is <see cref="EvictionBatching"/> past its close, so
    /// evictions come in groups. Advances <see cref="EvictedBefore"/> past them. Windows in <paramref name="keep"/> (those
    /// the events about to be folded land in) stay live.
    /// </summary>
    public IReadOnlyList<WindowState> TakeEvictable(TimeSpan gracePeriod, IReadOnlySet<WindowKey>? keep = null)
    {
        if (LatestArrival is not { } latest)
        {
            return [];
        }

        DateTimeOffset Close(WindowKey w) => w.BucketStart + w.Granularity.Size() + gracePeriod;
        if (!Windows.Keys.Any(w => Close(w) + EvictionBatching <= latest))
        {
            return [];
        }

        var evicted = Windows.Values.Where(w => Close(w.WindowKey) + EvictionDelay <= latest && keep?.Contains(w.WindowKey) != true).ToList();
        foreach (var w in evicted)
        {
            Windows.Remove(w.WindowKey);
            var g = (int)w.WindowKey.Granularity;
            var end = w.WindowKey.BucketStart + w.WindowKey.Granularity.Size();
            _evictedBefore[g] = _evictedBefore[g] is { } b && b >= end ? b : end;
        }

        return evicted;
    }

    /// <summary>Forgets which sources changed this item and its aggregates (before a new write is folded).</summary>
    public override void ClearChanges()
    {
        base.ClearChanges();
        Total.ClearChanges();
        foreach (var w in Windows.Values)
        {
            w.ClearChanges();
        }
    }

    /// <inheritdoc />
    public override bool SameContentAs(AggregateState other) =>
        other is MetricState o && o.Key == Key && o.Total.SameContentAs(Total) && o.Windows.Count == Windows.Count
        && Windows.All(w => o.Windows.TryGetValue(w.Key, out var ow) && ow.SameContentAs(w.Value));

    /// <inheritdoc />
    protected override AggregateState CopyContent()
    {
        var copy = new MetricState(key) { LatestArrival = LatestArrival };
        copy.Total.Stats.CopyFrom(Total.Stats);
        Total.Late.CopyTo(copy.Total.Late, 0);
        copy.Total.FirstEventAt = Total.FirstEventAt;
        copy.Total.LastEventAt = Total.LastEventAt;
        copy.Total.ChangedBy.UnionWith(Total.ChangedBy);
        _evictedBefore.CopyTo(copy._evictedBefore, 0);
        foreach (var (k, w) in Windows)
        {
            var wc = (WindowState)w.Copy();
            copy.Windows[k] = wc;
        }

        return copy;
    }
}
