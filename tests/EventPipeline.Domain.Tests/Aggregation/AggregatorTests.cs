using EventPipeline.Domain.Aggregation;
using static EventPipeline.Domain.Tests.Aggregation.EventBuilder;

namespace EventPipeline.Domain.Tests.Aggregation;

public sealed class AggregatorTests
{
    private static readonly EntityRef Order = new("order", "42");

    private static EntityViewState View(IEnumerable<CanonicalEvent> events, AggregationContext? context = null) =>
        (EntityViewState)Aggregator.Fold(events, context ?? Context())[new EntityKey("acme", Order)];

    private static WindowState Window(Dictionary<AggregateKey, AggregateState> states, string metric, Granularity g, DateTimeOffset bucket) =>
        (WindowState)states[new WindowKey("acme", metric, g, bucket)];

    private static TotalState Total(Dictionary<AggregateKey, AggregateState> states, string metric) =>
        (TotalState)states[new TotalKey("acme", metric)];

    [Fact]
    public void Fold_NewerEventTime_OverwritesAttribute()
    {
        var view = View([
            Event("a", Noon, attributes: Attr("status", "open")),
            Event("b", Noon.AddSeconds(1), attributes: Attr("status", "paid")),
        ]);

        Assert.Equal("paid", view.Attributes["status"].Value);
    }

    [Fact]
    public void Fold_LateArrivingOlderEvent_DoesNotOverwriteNewerState()
    {
        // The older event arrives second: arrival order must not matter, event time decides.
        var view = View([
            Event("b", Noon.AddSeconds(1), attributes: Attr("status", "paid"), type: "order.paid"),
            Event("a", Noon, attributes: Attr("status", "open"), type: "order.opened"),
        ]);

        Assert.Equal("paid", view.Attributes["status"].Value);
        Assert.Equal("order.paid", view.LastType!.Value);
        Assert.Equal(Noon, view.FirstEventAt);
        Assert.Equal(Noon.AddSeconds(1), view.LastEventAt);
        Assert.Equal(2, view.EventCount);
    }

    [Fact]
    public void Fold_AttributesMergedIndependently_EachKeepsItsNewestWriter()
    {
        var view = View([
            Event("a", Noon.AddSeconds(5), attributes: Attr("status", "closed")),
            Event("b", Noon.AddSeconds(9), attributes: Attr("owner", "kim")),
            Event("c", Noon, attributes: new Dictionary<string, string> { ["status"] = "new", ["owner"] = "lee", ["note"] = "x" }),
        ]);

        Assert.Equal("closed", view.Attributes["status"].Value);
        Assert.Equal("kim", view.Attributes["owner"].Value);
        Assert.Equal("x", view.Attributes["note"].Value);
    }

    [Theory]
    [InlineData("src", "a", "src", "b", "src/b")] // same source: larger event id (ordinal) wins
    [InlineData("alpha", "z", "beta", "a", "beta/a")] // source decides before the id
    [InlineData("src", "B", "src", "a", "src/a")] // ordinal: 'a' > 'B'
    public void Fold_SameEventTime_TieBrokenBySourceThenEventIdWhateverTheOrder(string source1, string id1, string source2, string id2, string expected)
    {
        var first = Event(id1, Noon, source: source1, attributes: Attr("status", source1 + "/" + id1));
        var second = Event(id2, Noon, source: source2, attributes: Attr("status", source2 + "/" + id2));

        Assert.Equal(expected, View([first, second]).Attributes["status"].Value);
        Assert.Equal(expected, View([second, first]).Attributes["status"].Value);
    }

    [Fact]
    public void Stamp_Compare_UsesInstantNotOffset()
    {
        var utc = new Stamp(Noon, "s", "1");
        var sameInstantOtherOffset = new Stamp(Noon.ToOffset(TimeSpan.FromHours(2)), "s", "1");

        Assert.Equal(0, utc.CompareTo(sameInstantOtherOffset));
        Assert.True(new Stamp(Noon.AddTicks(1), "a", "0") > new Stamp(Noon, "z", "z"));
    }

    [Fact]
    public void Fold_Measures_CountSumMinMaxPerWindow()
    {
        var states = Aggregator.Fold(
            [
                Event("a", Noon.AddSeconds(1), measures: Measure("amount", 10.5m)),
                Event("b", Noon.AddSeconds(2), measures: Measure("amount", -3m)),
                Event("c", Noon.AddSeconds(3), measures: Measure("amount", 100m)),
            ],
            Context(Noon.AddMinutes(1)));

        var minute = Window(states, "amount", Granularity.Minute, Noon).Stats;
        Assert.Equal((3L, 107.5m, -3m, 100m), (minute.Count, minute.Sum, minute.Min!.Value, minute.Max!.Value));
        Assert.True(minute.SameAs(Window(states, "amount", Granularity.Hour, Noon).Stats));
        Assert.True(minute.SameAs(Window(states, "amount", Granularity.Day, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)).Stats));
        Assert.Equal(3, Window(states, Aggregator.EventsMetric, Granularity.Minute, Noon).Stats.Count);
        Assert.Equal(3, Window(states, Aggregator.EventsMetric, Granularity.Minute, Noon).Stats.Sum);
    }

    [Fact]
    public void Fold_EventsInDifferentMinutes_LandInSeparateWindows()
    {
        var states = Aggregator.Fold(
            [Event("a", Noon.AddSeconds(59).AddTicks(9_999_999)), Event("b", Noon.AddMinutes(1))],
            Context(Noon.AddMinutes(2)));

        Assert.Equal(1, Window(states, Aggregator.EventsMetric, Granularity.Minute, Noon).Stats.Count);
        Assert.Equal(1, Window(states, Aggregator.EventsMetric, Granularity.Minute, Noon.AddMinutes(1)).Stats.Count);
        Assert.Equal(2, Window(states, Aggregator.EventsMetric, Granularity.Hour, Noon).Stats.Count);
    }

    [Theory]
    [InlineData("2026-03-10T12:34:56.789Z", Granularity.Minute, "2026-03-10T12:34:00Z")]
    [InlineData("2026-03-10T12:34:56.789Z", Granularity.Hour, "2026-03-10T12:00:00Z")]
    [InlineData("2026-03-10T12:34:56.789Z", Granularity.Day, "2026-03-10T00:00:00Z")]
    [InlineData("2026-03-10T23:59:59.9999999Z", Granularity.Day, "2026-03-10T00:00:00Z")]
    [InlineData("2026-03-11T00:00:00Z", Granularity.Day, "2026-03-11T00:00:00Z")]
    [InlineData("2026-03-11T01:30:00+02:00", Granularity.Day, "2026-03-10T00:00:00Z")] // UTC day, not the local one
    [InlineData("2026-03-10T12:59:59.9999999-05:30", Granularity.Hour, "2026-03-10T18:00:00Z")]
    public void BucketStart_Boundaries_AreUtc(string at, Granularity g, string expected)
    {
        var start = g.BucketStart(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
        Assert.Equal(expected, Granularities.BucketLabel(start));
    }

    [Fact]
    public void IsLate_EventJustInsideGrace_IsApplied_JustOutside_IsLate()
    {
        var grace = TimeSpan.FromMinutes(10);

        // The 12:00 minute window closes at 12:01 + 10 min of grace.
        var closes = Noon.AddMinutes(11);
        Assert.False(Context(closes.AddTicks(-1), grace).IsLate(Noon.AddSeconds(30), Granularity.Minute));
        Assert.True(Context(closes, grace).IsLate(Noon.AddSeconds(30), Granularity.Minute));
        Assert.False(Context(closes, grace).IsLate(Noon.AddSeconds(30), Granularity.Hour));
    }

    [Fact]
    public void Fold_LateEvent_SkipsClosedWindowsButCountsInTotalAndIsRecorded()
    {
        // Now is 3 h after the event: its minute and hour windows (plus 1 h grace) are closed, its day window is open.
        var at = Noon.AddMinutes(5);
        var context = Context(Noon.AddHours(3));
        var states = Aggregator.Fold([Event("late", at, measures: Measure("amount", 7m))], context);

        Assert.False(states.ContainsKey(new WindowKey("acme", "amount", Granularity.Minute, Noon.AddMinutes(5))));
        Assert.False(states.ContainsKey(new WindowKey("acme", "amount", Granularity.Hour, Noon)));
        Assert.Equal(7m, Window(states, "amount", Granularity.Day, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)).Stats.Sum);

        var total = Total(states, "amount");
        Assert.Equal((1L, 7m), (total.Stats.Count, total.Stats.Sum));
        Assert.Equal([1L, 1L, 0L], total.Late);
        Assert.Equal([1L, 1L, 0L], Total(states, Aggregator.EventsMetric).Late);

        var record = (LateEventState)states[new LateEventKey("acme", "amount", "src", "late")];
        Assert.Equal(at, record.OccurredAt);
        Assert.Equal(7m, record.Value);
        Assert.Equal(["hour", "minute"], record.MissedWindows);
        Assert.True(states.ContainsKey(new LateEventKey("acme", Aggregator.EventsMetric, "src", "late")));
    }

    [Fact]
    public void Fold_OnTimeEvent_HasNoLateRecord()
    {
        var states = Aggregator.Fold([Event("on-time", Noon, measures: Measure("amount", 1m))], Context(Noon.AddMinutes(30)));

        Assert.DoesNotContain(states.Keys, k => k is LateEventKey);
        Assert.Equal([0L, 0L, 0L], Total(states, "amount").Late);
    }

    [Fact]
    public void Fold_TotalsIncludeLateAndOnTimeEvents()
    {
        var context = Context(Noon.AddDays(3));
        var states = Aggregator.Fold(
            [
                Event("old", Noon, measures: Measure("amount", 5m)),
                Event("new", Noon.AddDays(3).AddMinutes(-1), measures: Measure("amount", 2m)),
            ],
            context);

        var total = Total(states, "amount");
        Assert.Equal((2L, 7m, 2m, 5m), (total.Stats.Count, total.Stats.Sum, total.Stats.Min!.Value, total.Stats.Max!.Value));
        Assert.Equal([1L, 1L, 1L], total.Late);
        Assert.Equal(Noon, total.FirstEventAt);
        Assert.Equal(Noon.AddDays(3).AddMinutes(-1), total.LastEventAt);
    }

    [Fact]
    public void Fold_DuplicateDedupKey_FirstOccurrenceWins()
    {
        var first = Event("dup", Noon, attributes: Attr("status", "first"), measures: Measure("amount", 1m));
        var resent = Event("dup", Noon.AddMinutes(1), attributes: Attr("status", "second"), measures: Measure("amount", 100m));

        var states = Aggregator.Fold([first, resent, first], Context(Noon.AddMinutes(5)));

        var view = (EntityViewState)states[new EntityKey("acme", Order)];
        Assert.Equal(1, view.EventCount);
        Assert.Equal("first", view.Attributes["status"].Value);
        Assert.Equal(1m, Total(states, "amount").Stats.Sum);
    }

    [Fact]
    public void Fold_SameIdFromAnotherSourceOrTenant_IsADistinctEvent()
    {
        var states = Aggregator.Fold([Event("x", source: "a"), Event("x", source: "b"), Event("x", tenant: "other")], Context());

        Assert.Equal(2, Total(states, Aggregator.EventsMetric).Stats.Count);
        Assert.Equal(1, ((TotalState)states[new TotalKey("other", Aggregator.EventsMetric)]).Stats.Count);
    }

    [Fact]
    public void ContributionsOf_OnTimeEventWithOneMeasure_TouchesEntityTotalsAndEveryWindow()
    {
        var keys = Aggregator.ContributionsOf(Event("a", Noon, measures: Measure("amount", 3m)), Context()).ToList();

        // entity + (total + 3 windows) for "events" and for "amount".
        Assert.Equal(9, keys.Count);
        Assert.Equal(9, keys.Select(k => k.Key).Distinct().Count());
        Assert.All(keys.Where(k => k.Key is WindowKey { Metric: "amount" } or TotalKey { Metric: "amount" }), k => Assert.Equal(3m, k.Value));
        Assert.All(keys.Where(k => k.Key is WindowKey { Metric: Aggregator.EventsMetric }), k => Assert.Equal(1m, k.Value));
    }

    [Fact]
    public void ItemContributionsOf_LateEventWithTwoMeasures_ListsEntityThenEachMetricItemWithItsLateRecord()
    {
        var e = Event("late", Noon, measures: new Dictionary<string, decimal> { ["amount"] = 3m, ["fee"] = 1m });

        var items = Aggregator.ItemContributionsOf(e, Context(Noon.AddHours(3)));

        Assert.Equal(
            [
                new Contribution(new EntityKey("acme", Order), 0),
                new Contribution(new TotalKey("acme", Aggregator.EventsMetric), 1),
                new Contribution(new LateEventKey("acme", Aggregator.EventsMetric, "src", "late"), 1),
                new Contribution(new TotalKey("acme", "amount"), 3m),
                new Contribution(new LateEventKey("acme", "amount", "src", "late"), 3m),
                new Contribution(new TotalKey("acme", "fee"), 1m),
                new Contribution(new LateEventKey("acme", "fee", "src", "late"), 1m),
            ],
            items);
        Assert.Equal(2, Aggregator.ItemContributionsOf(Event("on-time", Noon), Context()).Length);
    }

    [Fact]
    public void ItemContributionsOf_IntoAKeptBuffer_GivesTheSameItemsAndGrowsWhenNeeded()
    {
        var late = Event("late", Noon, measures: new Dictionary<string, decimal> { ["amount"] = 3m, ["fee"] = 1m });
        var onTime = Event("on-time", Noon);
        var buffer = new Contribution[2];

        var lateCount = Aggregator.ItemContributionsOf(late, Context(Noon.AddHours(3)), ref buffer);
        var lateItems = buffer[..lateCount];
        var onTimeCount = Aggregator.ItemContributionsOf(onTime, Context(), ref buffer);

        Assert.Equal(Aggregator.ItemContributionsOf(late, Context(Noon.AddHours(3))), lateItems);
        Assert.Equal(Aggregator.ItemContributionsOf(onTime, Context()), buffer[..onTimeCount]);
        Assert.True(buffer.Length >= 7);
    }

    [Fact]
    public void MetricState_WindowReplacedInWindows_NextEventFoldsIntoTheStoredOne()
    {
        // The storage mapper and Restore put window objects into Windows directly: the fold must use what is stored,
        // not the window it folded the previous event into.
        var metric = new MetricState(new TotalKey("acme", Aggregator.EventsMetric));
        metric.Apply(Event("a", Noon), 1, Context());
        var minute = new WindowKey("acme", Aggregator.EventsMetric, Granularity.Minute, Noon);
        var replaced = new WindowState(minute);
        replaced.Stats.Add(10);
        metric.Windows[minute] = replaced;

        metric.Apply(Event("b", Noon.AddSeconds(1)), 1, Context());

        Assert.Same(replaced, metric.Windows[minute]);
        Assert.Equal((2L, 11m), (replaced.Stats.Count, replaced.Stats.Sum));
        Assert.Equal(2, ((WindowState)metric.Windows[new WindowKey("acme", Aggregator.EventsMetric, Granularity.Hour, Noon)]).Stats.Count);
    }

    [Fact]
    public void Keys_StorageLayout_GroupsWhatIsListedTogether()
    {
        Assert.Equal(("T#acme#E#order", "42"), (new EntityKey("acme", Order).Pk, new EntityKey("acme", Order).Sk));
        var w = new WindowKey("acme", "amount", Granularity.Hour, Noon);
        Assert.Equal(("T#acme#M#amount#hour", "2026-03-10T12:00:00Z"), (w.Pk, w.Sk));
        Assert.Equal(("T#acme#MT", "amount"), (new TotalKey("acme", "amount").Pk, new TotalKey("acme", "amount").Sk));
        Assert.Equal(("T#acme#L#amount", "src#e1"), (new LateEventKey("acme", "amount", "src", "e1").Pk, new LateEventKey("acme", "amount", "src", "e1").Sk));
    }

    [Theory]
    [InlineData("minute", Granularity.Minute)]
    [InlineData("hour", Granularity.Hour)]
    [InlineData("day", Granularity.Day)]
    public void Granularities_TryParse_RoundTripsName(string name, Granularity expected)
    {
        Assert.True(Granularities.TryParse(name, out var g));
        Assert.Equal(expected, g);
        Assert.Equal(name, g.Name());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Minute")]
    [InlineData("week")]
    public void Granularities_TryParse_Unknown_IsFalse(string? name)
    {
        Assert.False(Granularities.TryParse(name, out _));
    }
}
