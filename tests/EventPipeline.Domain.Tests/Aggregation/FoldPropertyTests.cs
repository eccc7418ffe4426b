using EventPipeline.Domain.Aggregation;
using FsCheck;
using FsCheck.Fluent;
using static EventPipeline.Domain.Tests.Aggregation.EventBuilder;

namespace EventPipeline.Domain.Tests.Aggregation;

/// <summary>The fold is what makes coalescing and redelivery safe: any order of the same distinct events gives the same states.</summary>
public sealed class FoldPropertyTests
{
    private static readonly AggregationContext Ctx = Context(Noon.AddHours(2));

    /// <summary>Events over a few entities, measures and attribute values; times on a coarse grid so ties, lateness
    /// (anything more than ~1 h before now) and window boundaries all occur.</summary>
    private static readonly Gen<CanonicalEvent[]> DistinctEvents =
        Gen.Choose(1, 30).SelectMany(n => Gen.ArrayOf(OneEvent, n))
            .Select(events => events.Select((e, i) => e with { EventId = "e" + i }).ToArray());

    private static Gen<CanonicalEvent> OneEvent =>
        from minutes in Gen.Choose(-200, 10)
        from seconds in Gen.Elements(0, 0, 30, 59)
        from source in Gen.Elements("a", "b")
        from entity in Gen.Elements("1", "2", "3")
        from status in Gen.Elements("new", "open", "paid", "")
        from hasAmount in Gen.Elements(true, false)
        from cents in Gen.Choose(-10_000, 10_000)
        select Event(
            "", Noon.AddMinutes(minutes).AddSeconds(seconds), source: source, entity: new EntityRef("order", entity),
            measures: hasAmount ? Measure("amount", cents / 100m) : new Dictionary<string, decimal>(),
            attributes: status.Length == 0 ? new Dictionary<string, string>() : Attr("status", status));

    [Fact]
    public void Fold_AnyPermutationOfDistinctEvents_GivesSameStates()
    {
        var cases = DistinctEvents.SelectMany(events => Gen.Shuffle(events).Select(shuffled => (events, shuffled)));
        Prop.ForAll(cases.ToArbitrary(), c => SameStates(Aggregator.Fold(c.events, Ctx), Aggregator.Fold(c.shuffled, Ctx)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Fold_DuplicatesAddedAnywhere_GiveSameStatesAsDistinctEvents()
    {
        var cases = DistinctEvents.SelectMany(events =>
            Gen.SubListOf(events).SelectMany(resent => Gen.Shuffle(events.Concat(resent).ToArray()).Select(all => (events, all))));
        Prop.ForAll(cases.ToArbitrary(), c => SameStates(Aggregator.Fold(c.events, Ctx), Aggregator.Fold(c.all, Ctx)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ItemFold_MetricItems_HoldTheSameAggregatesAsTheOracle()
    {
        // The stored model (one metric item with total and live windows, late-event records) must hold exactly the
        // aggregates the per-aggregate oracle folds. Evictions are covered through the writer (Application and property tests).
        Prop.ForAll(DistinctEvents.ToArbitrary(), events =>
        {
            var items = new Dictionary<AggregateKey, AggregateState>();
            foreach (var e in events)
            {
                foreach (var c in Aggregator.ItemContributionsOf(e, Ctx))
                {
                    if (!items.TryGetValue(c.Key, out var item))
                    {
                        item = Aggregator.CreateItem(c.Key);
                        items[c.Key] = item;
                    }

                    item.Apply(e, c.Value, Ctx);
                }
            }

            var stored = new Dictionary<AggregateKey, AggregateState>();
            foreach (var item in items.Values)
            {
                foreach (var a in item is MetricState m ? m.Aggregates : [item])
                {
                    stored[a.Key] = a;
                }
            }

            return SameStates(Aggregator.Fold(events, Ctx), stored);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Fold_SplitIntoBatchesFoldedOntoEachOther_GivesSameStatesAsOneFold()
    {
        // What the store does per key: fold a batch onto the state the previous batch left.
        var cases = DistinctEvents.SelectMany(events => Gen.Choose(1, Math.Max(1, events.Length)).Select(size => (events, size)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var incremental = new Dictionary<AggregateKey, AggregateState>();
            foreach (var batch in c.events.Chunk(c.size))
            {
                foreach (var e in batch)
                {
                    foreach (var contribution in Aggregator.ContributionsOf(e, Ctx))
                    {
                        if (!incremental.TryGetValue(contribution.Key, out var state))
                        {
                            incremental[contribution.Key] = state = AggregateState.Create(contribution.Key);
                        }

                        state.Apply(e, contribution.Value, Ctx);
                    }
                }
            }

            return SameStates(Aggregator.Fold(c.events, Ctx), incremental);
        }).QuickCheckThrowOnFailure();
    }

    private static bool SameStates(Dictionary<AggregateKey, AggregateState> a, Dictionary<AggregateKey, AggregateState> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && kv.Value.SameContentAs(other));
}
