namespace EventPipeline.Domain.Aggregation;

/// <summary>
/// Order of writes for last-writer-wins: event time, then source and dedup id (ordinal) so ties resolve the same way
/// whatever order events arrive in.
/// </summary>
public readonly record struct Stamp(DateTimeOffset At, string Source, string EventId) : IComparable<Stamp>
{
    /// <summary>Stamp of an event.</summary>
    public static Stamp Of(CanonicalEvent e) => new(e.OccurredAt, e.Source, e.EventId);

    /// <inheritdoc />
    public int CompareTo(Stamp other)
    {
        var c = At.UtcTicks.CompareTo(other.At.UtcTicks);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(Source, other.Source);
        return c != 0 ? c : string.CompareOrdinal(EventId, other.EventId);
    }

    /// <summary>True when this stamp orders after <paramref name="other"/>.</summary>
    public bool IsNewerThan(Stamp other) => CompareTo(other) > 0;

    /// <summary>Orders by stamp.</summary>
    public static bool operator <(Stamp left, Stamp right) => left.CompareTo(right) < 0;

    /// <summary>Orders by stamp.</summary>
    public static bool operator <=(Stamp left, Stamp right) => left.CompareTo(right) <= 0;

    /// <summary>Orders by stamp.</summary>
    public static bool operator >(Stamp left, Stamp right) => left.CompareTo(right) > 0;

    /// <summary>Orders by stamp.</summary>
    public static bool operator >=(Stamp left, Stamp right) => left.CompareTo(right) >= 0;
}

/// <summary>An attribute value with the stamp of the event that wrote it.</summary>
public sealed record StampedValue(string Value, Stamp Stamp);

/// <summary>count, sum, min and max of a measure. Decimal, so any order of additions gives the same result.</summary>
public sealed class MetricStats
{
    /// <summary>Number of values.</summary>
    public long Count { get; set; }

    /// <summary>Sum of values.</summary>
    public decimal Sum { get; set; }

    /// <summary>Smallest value, null when empty.</summary>
    public decimal? Min { get; set; }

    /// <summary>Largest value, null when empty.</summary>
    public decimal? Max { get; set; }

    /// <summary>Adds one value.</summary>
    public void Add(decimal value)
    {
        Count++;
        Sum += value;
        Min = Min is { } min && min <= value ? min : value;
        Max = Max is { } max && max >= value ? max : value;
    }

    /// <summary>Copies <paramref name="other"/>'s values into this.</summary>
    public void CopyFrom(MetricStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Count = other.Count;
        Sum = other.Sum;
        Min = other.Min;
        Max = other.Max;
    }

    /// <summary>Value equality.</summary>
    public bool SameAs(MetricStats other) => Count == other.Count && Sum == other.Sum && Min == other.Min && Max == other.Max;
}

/// <summary>The current state of one aggregate item; <see cref="Apply"/> folds one event in. Pure, no I/O.</summary>
public abstract class AggregateState
{
    /// <summary>The item's key.</summary>
    public abstract AggregateKey Key { get; }

    /// <summary>Sources of the events applied by the latest write (for the <c>source/{source}</c> channel).</summary>
    public SortedSet<string> ChangedBy { get; } = new(StringComparer.Ordinal);

    // The source this state last noted in ChangedBy: Apply notes every event's source, and consecutive events mostly
    // share one (each source's name is one string everywhere).
    private string? lastChangedBy;

    /// <summary>Forgets which sources the latest write's events came from (before the next write is folded).</summary>
    public virtual void ClearChanges()
    {
        ChangedBy.Clear();
        lastChangedBy = null;
    }

    /// <summary>Adds <paramref name="source"/> to <see cref="ChangedBy"/>, skipping the set's search when it is the source noted last.</summary>
    protected void NoteChangedBy(string source) => AddSource(ChangedBy, ref lastChangedBy, source);

    /// <summary>
    /// Adds <paramref name="source"/> to <paramref name="sources"/> unless it is <paramref name="last"/>, the one added
    /// last, and the set is not empty: these sets are only ever added to between clears, so the source added last is
    /// still in a set that is not empty (an emptied one was cleared, and the search runs).
    /// </summary>
    protected static void AddSource(SortedSet<string> sources, ref string? last, string source)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (!ReferenceEquals(source, last) || sources.Count == 0)
        {
            sources.Add(source);
            last = source;
        }
    }

    /// <summary>Folds <paramref name="e"/> in. <paramref name="metricValue"/> is the value the event contributes to this item's metric (1 for <c>events</c>).</summary>
    public abstract void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context);

    /// <summary>Empty state for a key.</summary>
    public static AggregateState Create(AggregateKey key) => key switch
    {
        EntityKey k => new EntityViewState(k),
        WindowKey k => new WindowState(k),
        TotalKey k => new TotalState(k),
        LateEventKey k => new LateEventState(k),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "unknown aggregate key"),
    };

    /// <summary>True when both states hold the same content (versions and watermarks are storage concerns, not compared).</summary>
    public abstract bool SameContentAs(AggregateState other);

    /// <summary>A deep copy (stores that keep states in memory hand out copies, as a database read would).</summary>
    public AggregateState Copy()
    {
        var copy = CopyContent();
        copy.ChangedBy.UnionWith(ChangedBy);
        return copy;
    }

    /// <summary>A deep copy of the content (<see cref="ChangedBy"/> is copied by <see cref="Copy"/>).</summary>
    protected abstract AggregateState CopyContent();
}

/// <summary>Latest state of one entity, merged per attribute by last writer wins on event time.</summary>
public sealed class EntityViewState(EntityKey key) : AggregateState
{
    /// <inheritdoc />
    public override AggregateKey Key => key;

    /// <summary>The entity.</summary>
    public EntityRef Entity => key.Entity;

    /// <summary>Attributes with the stamp that wrote each.</summary>
    public SortedDictionary<string, StampedValue> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Type of the newest event (by stamp).</summary>
    public StampedValue? LastType { get; set; }

    /// <summary>Earliest event time applied.</summary>
    public DateTimeOffset? FirstEventAt { get; set; }

    /// <summary>Latest event time applied.</summary>
    public DateTimeOffset? LastEventAt { get; set; }

    /// <summary>Number of distinct events applied.</summary>
    public long EventCount { get; set; }

    /// <summary>Every source that ever touched the entity.</summary>
    public SortedSet<string> Sources { get; } = new(StringComparer.Ordinal);

    private string? lastSource;

    /// <inheritdoc />
    public override void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context)
    {
        var stamp = Stamp.Of(e);
        if (e.Attributes is FieldDictionary<string> attributes)
        {
            // What adapters build: its struct enumerator allocates nothing, the interface's is boxed per event.
            foreach (var (name, value) in attributes)
            {
                Merge(name, value, stamp);
            }
        }
        else
        {
            foreach (var (name, value) in e.Attributes)
            {
                Merge(name, value, stamp);
            }
        }

        if (LastType is null || stamp.IsNewerThan(LastType.Stamp))
        {
            LastType = new StampedValue(e.Type, stamp);
        }

        FirstEventAt = FirstEventAt is { } f && f <= e.OccurredAt ? f : e.OccurredAt;
        LastEventAt = LastEventAt is { } l && l >= e.OccurredAt ? l : e.OccurredAt;
        EventCount++;
        AddSource(Sources, ref lastSource, e.Source);
        NoteChangedBy(e.Source);
    }

    private void Merge(string name, string value, Stamp stamp)
    {
        if (!Attributes.TryGetValue(name, out var current) || stamp.IsNewerThan(current.Stamp))
        {
            Attributes[name] = new StampedValue(value, stamp);
        }
    }

    /// <inheritdoc />
    protected override AggregateState CopyContent()
    {
        var copy = new EntityViewState((EntityKey)Key) { LastType = LastType, FirstEventAt = FirstEventAt, LastEventAt = LastEventAt, EventCount = EventCount };
        foreach (var (name, value) in Attributes)
        {
            copy.Attributes[name] = value;
        }

        copy.Sources.UnionWith(Sources);
        return copy;
    }

    /// <inheritdoc />
    public override bool SameContentAs(AggregateState other) =>
        other is EntityViewState o && o.Key == Key && o.EventCount == EventCount && o.FirstEventAt == FirstEventAt
        && o.LastEventAt == LastEventAt && Equals(o.LastType, LastType) && o.Sources.SetEquals(Sources)
        && o.Attributes.Count == Attributes.Count && Attributes.All(a => o.Attributes.TryGetValue(a.Key, out var v) && v == a.Value);
}

/// <summary>count/sum/min/max of one metric in one event-time window.</summary>
public sealed class WindowState(WindowKey key) : AggregateState
{
    /// <inheritdoc />
    public override AggregateKey Key => key;

    /// <summary>Typed key.</summary>
    public WindowKey WindowKey => key;

    /// <summary>The statistics.</summary>
    public MetricStats Stats { get; } = new();

    /// <inheritdoc />
    public override void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context)
    {
        Stats.Add(metricValue);
        NoteChangedBy(e.Source);
    }

    /// <inheritdoc />
    public override bool SameContentAs(AggregateState other) => other is WindowState o && o.Key == Key && o.Stats.SameAs(Stats);

    /// <inheritdoc />
    protected override AggregateState CopyContent()
    {
        var copy = new WindowState(WindowKey);
        copy.Stats.CopyFrom(Stats);
        return copy;
    }
}

/// <summary>All-time statistics of one metric, and how many events arrived too late for each granularity's window.</summary>
public sealed class TotalState(TotalKey key) : AggregateState
{
    /// <inheritdoc />
    public override AggregateKey Key => key;

    /// <summary>The metric's name.</summary>
    public string Metric => key.Metric;

    /// <summary>All-time statistics (late events included: totals have no window).</summary>
    public MetricStats Stats { get; } = new();

    /// <summary>Late events per granularity (not applied to that granularity's closed window).</summary>
    public long[] Late { get; } = new long[3];

    /// <summary>Earliest event time.</summary>
    public DateTimeOffset? FirstEventAt { get; set; }

    /// <summary>Latest event time.</summary>
    public DateTimeOffset? LastEventAt { get; set; }

    /// <inheritdoc />
    public override void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context)
    {
        Stats.Add(metricValue);
        foreach (var g in Granularities.InOrder)
        {
            if (context.IsLate(e.OccurredAt, g))
            {
                Late[(int)g]++;
            }
        }

        FirstEventAt = FirstEventAt is { } f && f <= e.OccurredAt ? f : e.OccurredAt;
        LastEventAt = LastEventAt is { } l && l >= e.OccurredAt ? l : e.OccurredAt;
        NoteChangedBy(e.Source);
    }

    /// <inheritdoc />
    protected override AggregateState CopyContent()
    {
        var copy = new TotalState(new TotalKey(Key.Tenant, Metric)) { FirstEventAt = FirstEventAt, LastEventAt = LastEventAt };
        copy.Stats.CopyFrom(Stats);
        Late.CopyTo(copy.Late, 0);
        return copy;
    }

    /// <inheritdoc />
    public override bool SameContentAs(AggregateState other) =>
        other is TotalState o && o.Key == Key && o.Stats.SameAs(Stats) && o.Late.AsSpan().SequenceEqual(Late)
        && o.FirstEventAt == FirstEventAt && o.LastEventAt == LastEventAt;
}

/// <summary>Record of one event that missed at least one closed window of a metric.</summary>
public sealed class LateEventState(LateEventKey key) : AggregateState
{
    /// <inheritdoc />
    public override AggregateKey Key => key;

    /// <summary>Typed key.</summary>
    public LateEventKey LateKey => key;

    /// <summary>Event time.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Value the event carried for the metric.</summary>
    public decimal Value { get; set; }

    /// <summary>Granularities whose window was closed.</summary>
    public SortedSet<string> MissedWindows { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void Apply(CanonicalEvent e, decimal metricValue, in AggregationContext context)
    {
        OccurredAt = e.OccurredAt;
        Value = metricValue;
        foreach (var g in Granularities.InOrder)
        {
            if (context.IsLate(e.OccurredAt, g))
            {
                MissedWindows.Add(g.Name());
            }
        }

        NoteChangedBy(e.Source);
    }

    /// <inheritdoc />
    protected override AggregateState CopyContent()
    {
        var copy = new LateEventState(LateKey) { OccurredAt = OccurredAt, Value = Value };
        copy.MissedWindows.UnionWith(MissedWindows);
        return copy;
    }

    /// <inheritdoc />
    public override bool SameContentAs(AggregateState other) =>
        other is LateEventState o && o.Key == Key && o.OccurredAt == OccurredAt && o.Value == Value && o.MissedWindows.SetEquals(MissedWindows);
}
