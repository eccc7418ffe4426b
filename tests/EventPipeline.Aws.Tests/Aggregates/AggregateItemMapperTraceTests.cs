using EventPipeline.Application.Ports;
using EventPipeline.Application.Tracing;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Tests.Aggregates;

/// <summary>The trace an entity item carries to its stream record.</summary>
public sealed class AggregateItemMapperTraceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static StoredAggregate Entity(EventTrace? trace) =>
        new(Aggregator.CreateItem(new EntityKey("acme", new EntityRef("order", "1"))), 3, new Dictionary<string, string> { ["shardId-1"] = "0000000010" }) { Trace = trace };

    [Fact]
    public void ToItem_ThenToStored_KeepsTheTrace()
    {
        var trace = new EventTrace("shardId-000000000001:4968", Now, Now.AddMilliseconds(12), Now.AddMilliseconds(15));

        var item = AggregateItemMapper.ToItem(Entity(trace));

        Assert.Equal(trace.Encode(), item[AggregateItemMapper.Trace].S);
        Assert.Equal(trace, AggregateItemMapper.ToStored(item)!.Trace);
    }

    [Fact]
    public void ToItem_Untraced_HasNoTraceAttribute()
    {
        var item = AggregateItemMapper.ToItem(Entity(null));

        Assert.False(item.ContainsKey(AggregateItemMapper.Trace));
        Assert.Null(AggregateItemMapper.ToStored(item)!.Trace);
    }
}
