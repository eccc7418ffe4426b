using EventPipeline.Application.Ports;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>The aggregates table's conditional writes on DynamoDB Local: a lost write comes back with the item that won.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class AggregateItemsTests(LocalStackFixture fx)
{
    private DynamoAggregateItems Items() => new(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.AggregatesTable);

    private static StoredAggregate Item(EntityKey key, long version, string shard, string position, params ulong[] fingerprints) =>
        new(Aggregator.CreateItem(key), version, new Dictionary<string, string>(StringComparer.Ordinal) { [shard] = position })
        {
            DedupFingerprints = fingerprints,
        };

    [Fact]
    public async Task Write_GuessedNewButStored_ConflictCarriesTheStoredItem()
    {
        var items = Items();
        var key = new EntityKey(LocalStackFixture.NewTenant(), new EntityRef("order", "1"));
        Assert.Equal(WriteOutcome.Written, (await items.WriteAsync(Item(key, 1, "shard-a", "p1", 7UL, 9UL), 0, DateTimeOffset.UtcNow, default)).Outcome);

        var lost = await items.WriteAsync(Item(key, 1, "shard-b", "p2"), 0, DateTimeOffset.UtcNow, default);

        Assert.Equal(WriteOutcome.Conflict, lost.Outcome);
        Assert.NotNull(lost.Current);
        Assert.Equal(1, lost.Current.Version);
        Assert.Equal("p1", lost.Current.Watermarks["shard-a"]);
        Assert.Equal([7UL, 9UL], lost.Current.DedupFingerprints);
    }

    [Fact]
    public async Task Write_StaleVersion_ConflictCarriesTheNewerItem()
    {
        var items = Items();
        var key = new EntityKey(LocalStackFixture.NewTenant(), new EntityRef("order", "2"));
        await items.WriteAsync(Item(key, 1, "shard-a", "p1"), 0, DateTimeOffset.UtcNow, default);
        await items.WriteAsync(Item(key, 2, "shard-a", "p2"), 1, DateTimeOffset.UtcNow, default);

        var lost = await items.WriteAsync(Item(key, 2, "shard-b", "q1"), 1, DateTimeOffset.UtcNow, default);

        Assert.Equal(WriteOutcome.Conflict, lost.Outcome);
        Assert.Equal(2, lost.Current?.Version);
        Assert.Equal(await items.ReadAsync(key, default) is { } read ? read.Watermarks["shard-a"] : null, lost.Current?.Watermarks["shard-a"]);
    }
}
