using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda.Events;
using EventPipeline.Publish;
using LambdaAttribute = EventPipeline.Lambda.Events.DynamoDBEvent.AttributeValue;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>Stream records of metric items become pushes of what changed: the total and the windows that differ from the old image.</summary>
public sealed class PublishChangesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 30, TimeSpan.Zero);
    private static readonly AggregationContext Context = new(Now, AggregationOptions.Default);

    [Fact]
    public void ToChanges_MetricItemWithOneNewWindow_PushesTotalAndThatWindowOnly()
    {
        var before = new MetricState(new TotalKey("t", "events"));
        before.Apply(Event("e1", Now.AddMinutes(-3)), 1, Context);
        var after = (MetricState)before.Copy();
        after.ClearChanges();
        after.Apply(Event("e2", Now), 1, Context);

        var changes = PublishFunction.ToChanges(Batch(Image(after, 2), Image(before, 1))).Changes;

        Assert.Equal(
            [new TotalKey("t", "events"), new WindowKey("t", "events", Granularity.Minute, Granularity.Minute.BucketStart(Now))],
            changes.Select(c => c.State.Key).Where(k => k is TotalKey || (k is WindowKey w && w.Granularity == Granularity.Minute)).ToList());
        Assert.All(changes, c => Assert.Equal(2, c.Version));
        Assert.DoesNotContain(changes, c => c.State.Key is WindowKey w && w.BucketStart == Granularity.Minute.BucketStart(Now.AddMinutes(-3)));
    }

    [Fact]
    public void ToChanges_WindowEvictedToItsOwnItem_IsNotPushedAgain()
    {
        var window = new WindowState(new WindowKey("t", "events", Granularity.Minute, Granularity.Minute.BucketStart(Now)));
        window.Apply(Event("e1", Now), 1, Context);

        Assert.Empty(PublishFunction.ToChanges(Batch(Convert(AggregateItemMapper.ToEvictedItem(window, 7)), null)).Changes);
    }

    private static CanonicalEvent Event(string id, DateTimeOffset at) =>
        new("t", "src", id, "x.y", at, new EntityRef("order", "1"), new Dictionary<string, decimal>(), new Dictionary<string, string>());

    private static Dictionary<string, LambdaAttribute> Image(MetricState state, long version) =>
        Convert(AggregateItemMapper.ToItem(new StoredAggregate(state, version, new Dictionary<string, string>())));

    private static DynamoDBEvent Batch(Dictionary<string, LambdaAttribute> image, Dictionary<string, LambdaAttribute>? old) => new()
    {
        Records = [new() { EventName = "MODIFY", Dynamodb = new() { NewImage = image, OldImage = old, SequenceNumber = "1" } }],
    };

    private static Dictionary<string, LambdaAttribute> Convert(Dictionary<string, AttributeValue> item) =>
        item.ToDictionary(a => a.Key, a => Convert(a.Value));

    private static LambdaAttribute Convert(AttributeValue v) => new()
    {
        S = v.S,
        N = v.N,
        B = v.B?.ToArray(),
        SS = v.SS is { Count: > 0 } ss ? [.. ss] : null,
        M = v.M is { } m ? Convert(m) : null,
    };
}
