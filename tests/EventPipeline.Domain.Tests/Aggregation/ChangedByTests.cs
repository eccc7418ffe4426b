using EventPipeline.Domain.Aggregation;
using static EventPipeline.Domain.Tests.Aggregation.EventBuilder;

namespace EventPipeline.Domain.Tests.Aggregation;

/// <summary>A state notes each event's source, skipping the set's search for the source it noted last.</summary>
public sealed class ChangedByTests
{
    public static TheoryData<string> Keys() => ["entity", "metric"];

    [Theory]
    [MemberData(nameof(Keys))]
    public void SameSourceAfterClearingChanges_IsNotedAgain(string kind)
    {
        var state = State(kind);
        state.Apply(Event("1", source: "github"), 1, Context());

        state.ClearChanges();
        state.Apply(Event("2", source: "github"), 1, Context());

        Assert.Equal(["github"], state.ChangedBy);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void SameSourceAfterTheSetWasEmptiedDirectly_IsNotedAgain(string kind)
    {
        var state = State(kind);
        state.Apply(Event("1", source: "github"), 1, Context());

        state.ChangedBy.Clear();
        state.Apply(Event("2", source: "github"), 1, Context());

        Assert.Equal(["github"], state.ChangedBy);
    }

    [Fact]
    public void SourcesInTurn_AreAllNotedOnce()
    {
        var state = (EntityViewState)State("entity");
        foreach (var source in new[] { "stripe", "github", "github", "stripe", "csv" })
        {
            state.Apply(Event(source + state.EventCount, source: source), 1, Context());
        }

        Assert.Equal(["csv", "github", "stripe"], state.ChangedBy);
        Assert.Equal(["csv", "github", "stripe"], state.Sources);
    }

    private static AggregateState State(string kind) => kind == "entity"
        ? new EntityViewState(new EntityKey("acme", new EntityRef("order", "42")))
        : new MetricState(new TotalKey("acme", Aggregator.EventsMetric));
}
