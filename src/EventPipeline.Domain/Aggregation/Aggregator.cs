using System.Runtime.CompilerServices;

namespace EventPipeline.Domain.Aggregation;

/// <summary>Settings of the fold.</summary>
/// <param name="GracePeriod">How long after a window ends late events are still applied to it (default 1 hour).</param>
public sealed record AggregationOptions(TimeSpan GracePeriod)
{
    /// <summary>One hour of grace.</summary>
    public static AggregationOptions Default { get; } = new(TimeSpan.FromHours(1));
}

/// <summary>The processing time of a batch and the options: everything besides the event that decides where it lands.</summary>
public readonly record struct AggregationContext(DateTimeOffset Now, AggregationOptions Options)
{
    /// <summary>True when the <paramref name="g"/> window holding <paramref name="occurredAt"/> closed (end + grace) before now.</summary>
    public bool IsLate(DateTimeOffset occurredAt, Granularity g) =>
        // In ticks: the fold asks this several times per event and granularity, and DateTimeOffset's operators check
        // their range at every step. A close past DateTimeOffset's range (an event in the last day of year 9999) is not
        // late, where the operators threw.
        g.BucketStartTicks(occurredAt.UtcTicks) + g.SizeTicks() + Options.GracePeriod.Ticks <= Now.UtcTicks;
}

/// <summary>One event's effect on one aggregate item.</summary>
/// <param name="Key">The item.</param>
/// <param name="Value">The value the event contributes to the item's metric (unused for entity views).</param>
public readonly record struct Contribution(AggregateKey Key, decimal Value);

/// <summary>
/// Decides which aggregate items an event touches and folds events into states. Every aggregate is a commutative
/// fold (last-writer-wins by stamp, count/sum/min/max in decimal), so the result of applying a set of distinct events
/// does not depend on their order or how they are batched — which is what makes the in-memory fold a usable oracle.
/// </summary>
public static class Aggregator
{
    /// <summary>The metric every event counts into.</summary>
    public const string EventsMetric = "events";

    /// <summary>The items <paramref name="e"/> touches: its entity view; for the <c>events</c> metric and each measure,
    /// the total and each granularity's window (or, when that window has closed, a late-event record).</summary>
    public static IEnumerable<Contribution> ContributionsOf(CanonicalEvent e, AggregationContext context) => Contributions(e, context);

    /// <summary>
    /// The stored items <paramref name="e"/> changes: its entity view; for the <c>events</c> metric and each measure, the
    /// metric item (<see cref="MetricState"/>: total and live windows); and a late-event record per metric whose window of
    /// some granularity had closed. The same effect as <see cref="ContributionsOf"/>, in fewer items.
    /// </summary>
    /// <remarks>
    /// The writer and the throughput fold call this once per event, so it builds one exactly sized array rather than
    /// nested iterators, closures and boxed enumerators. Order: the entity view, then per metric (<c>events</c> first,
    /// then the measures in their order) its metric item followed by its late-event record when late.
    /// </remarks>
    public static Contribution[] ItemContributionsOf(CanonicalEvent e, AggregationContext context)
    {
        Contribution[] items = [];
        var count = ItemContributionsOf(e, context, ref items);
        return items.Length == count ? items : items[..count];
    }

    /// <summary>
    /// <see cref="ItemContributionsOf(CanonicalEvent, AggregationContext)"/> into a buffer the caller keeps across events
    /// (grown when an event needs more room), so folding an event allocates no array: one per event was a twentieth of
    /// the fold's bytes (measured, <c>throughput</c>). Returns how many of the buffer's first items are this event's.
    /// </summary>
    public static int ItemContributionsOf(CanonicalEvent e, AggregationContext context, ref Contribution[] buffer)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(buffer);
        var late = false;
        foreach (var g in Granularities.InOrder)
        {
            late |= context.IsLate(e.OccurredAt, g);
        }

        var count = 1 + ((1 + e.Measures.Count) * (late ? 2 : 1));
        if (buffer.Length < count)
        {
            buffer = new Contribution[buffer.Length == 0 ? count : Math.Max(count, buffer.Length * 2)];
        }

        var items = buffer;
        items[0] = new Contribution(new EntityKey(e.Tenant, e.Entity), 0);
        var next = AddMetricItems(items, 1, e, EventsMetric, 1, late);
        if (e.Measures is FieldDictionary<decimal> measures)
        {
            // What adapters build: its struct enumerator allocates nothing, the interface's is boxed per event.
            foreach (var (name, value) in measures)
            {
                next = AddMetricItems(items, next, e, name, value, late);
            }
        }
        else
        {
            foreach (var (name, value) in e.Measures)
            {
                next = AddMetricItems(items, next, e, name, value, late);
            }
        }

        return next;
    }

    private static int AddMetricItems(Contribution[] items, int next, CanonicalEvent e, string metric, decimal value, bool late)
    {
        items[next++] = new Contribution(TotalKeyOf(e.Tenant, metric), value);
        if (late)
        {
            items[next++] = new Contribution(new LateEventKey(e.Tenant, metric, e.Source, e.EventId), value);
        }

        return next;
    }

    [ThreadStatic]
    private static TotalKey?[]? recentTotalKeys;

    // Every event counts into its tenant's "events" total and most measures repeat by name, and the decoder and adapters
    // hand out one string per tenant and per literal name: a key made for the same two instances is made once. Keys are
    // immutable records, so sharing one is sharing a value. Per thread: no lock, no race.
    private static TotalKey TotalKeyOf(string tenant, string metric)
    {
        var recent = recentTotalKeys ??= new TotalKey?[8];
        var slot = (RuntimeHelpers.GetHashCode(tenant) ^ RuntimeHelpers.GetHashCode(metric)) & (recent.Length - 1);
        if (recent[slot] is { } key && ReferenceEquals(key.Tenant, tenant) && ReferenceEquals(key.Metric, metric))
        {
            return key;
        }

        return recent[slot] = new TotalKey(tenant, metric);
    }

    private static IEnumerable<Contribution> Contributions(CanonicalEvent e, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(e);
        yield return new Contribution(new EntityKey(e.Tenant, e.Entity), 0);
        foreach (var c in MetricContributions(e, EventsMetric, 1, context))
        {
            yield return c;
        }

        foreach (var (name, value) in e.Measures)
        {
            foreach (var c in MetricContributions(e, name, value, context))
            {
                yield return c;
            }
        }
    }

    /// <summary>An empty stored item for <paramref name="key"/>: a <see cref="MetricState"/> for a metric, else the aggregate itself.</summary>
    public static AggregateState CreateItem(AggregateKey key) => key is TotalKey t ? new MetricState(t) : AggregateState.Create(key);

    private static IEnumerable<Contribution> MetricContributions(CanonicalEvent e, string metric, decimal value, AggregationContext context)
    {
        yield return new Contribution(new TotalKey(e.Tenant, metric), value);
        var late = false;
        foreach (var g in Granularities.All)
        {
            if (context.IsLate(e.OccurredAt, g))
            {
                late = true;
            }
            else
            {
                yield return new Contribution(new WindowKey(e.Tenant, metric, g, g.BucketStart(e.OccurredAt)), value);
            }
        }

        if (late)
        {
            yield return new Contribution(new LateEventKey(e.Tenant, metric, e.Source, e.EventId), value);
        }
    }

    /// <summary>
    /// The oracle: folds each distinct event (by dedup key, first occurrence wins) into fresh states.
    /// </summary>
    public static Dictionary<AggregateKey, AggregateState> Fold(IEnumerable<CanonicalEvent> events, AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Fold(events.Select(e => (e, context)));
    }

    /// <summary>The oracle with each event's own context (its arrival time): first occurrence of a dedup key wins.</summary>
    public static Dictionary<AggregateKey, AggregateState> Fold(IEnumerable<(CanonicalEvent Event, AggregationContext Context)> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var seen = new HashSet<DedupKey>();
        var states = new Dictionary<AggregateKey, AggregateState>();
        foreach (var (e, context) in events)
        {
            if (!seen.Add(e.DedupKey))
            {
                continue;
            }

            foreach (var c in ContributionsOf(e, context))
            {
                if (!states.TryGetValue(c.Key, out var state))
                {
                    state = AggregateState.Create(c.Key);
                    states[c.Key] = state;
                }

                state.Apply(e, c.Value, context);
            }
        }

        return states;
    }
}
