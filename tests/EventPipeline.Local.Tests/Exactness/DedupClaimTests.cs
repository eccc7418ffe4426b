using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>Claims on DynamoDB Local: a live claim blocks other positions, an abandoned one can be taken over, an applied one never.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class DedupClaimTests(LocalStackFixture fx)
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private (DynamoDedupStore Store, ManualClock Clock) Store()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        return (new DynamoDedupStore(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.DedupTable, clock, PipelineTopology.DedupRetention, claimLease: TimeSpan.FromMinutes(10)), clock);
    }

    [Fact]
    public async Task Claim_HeldByLiveOwner_BlocksOtherPositions()
    {
        var (store, clock) = Store();
        var key = new DedupKey(LocalStackFixture.NewTenant(), "cloudevents", "e-1");
        Assert.Empty((await store.ClaimAsync([(key, "shard-1/5")], default)).OwnedElsewhere);
        clock.Now += TimeSpan.FromMinutes(9);

        Assert.Contains(key, (await store.ClaimAsync([(key, "shard-2/9")], default)).OwnedElsewhere);
        Assert.Empty((await store.ClaimAsync([(key, "shard-1/5")], default)).OwnedElsewhere);
    }

    [Fact]
    public async Task Claim_AbandonedPastLease_IsTakenOverByARedrive()
    {
        var (store, clock) = Store();
        var key = new DedupKey(LocalStackFixture.NewTenant(), "cloudevents", "e-2");
        await store.ClaimAsync([(key, "shard-1/5")], default);
        clock.Now += TimeSpan.FromMinutes(11);

        Assert.Empty((await store.ClaimAsync([(key, "shard-1/77")], default)).OwnedElsewhere);
        Assert.Contains(key, (await store.ClaimAsync([(key, "shard-1/5")], default)).OwnedElsewhere);
    }

    [Fact]
    public async Task Claim_Applied_IsNeverTakenOver()
    {
        var (store, clock) = Store();
        var key = new DedupKey(LocalStackFixture.NewTenant(), "cloudevents", "e-3");
        await store.ClaimAsync([(key, "shard-1/5")], default);
        await store.MarkAppliedAsync([(key, "shard-1/5")], default);
        clock.Now += TimeSpan.FromDays(1);

        Assert.Contains(key, (await store.ClaimAsync([(key, "shard-2/9")], default)).OwnedElsewhere);
    }
}
