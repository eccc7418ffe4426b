using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>The dedup table on DynamoDB Local: fingerprints moved out of an entity item are read back per entity, and only that entity's.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class DedupStoreTests(LocalStackFixture fx)
{
    private DynamoDedupStore Store() => new(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.DedupTable, PipelineTopology.DedupRetention);

    [Fact]
    public async Task Append_TwoChunks_ReadReturnsBothAndKeepsThemForTheRetention()
    {
        var store = Store();
        var entity = new EntityKey(LocalStackFixture.NewTenant(), new EntityRef("order", "a#b|c"));
        var now = DateTimeOffset.UtcNow;

        var until = await store.AppendAsync(entity, [1UL, ulong.MaxValue], now, default);
        await store.AppendAsync(entity, [42UL], now, default);

        Assert.Equal(now + PipelineTopology.DedupRetention, until);
        Assert.Equal(new HashSet<ulong> { 1UL, ulong.MaxValue, 42UL }, (await store.ReadAsync(entity, default)).ToHashSet());
    }

    [Fact]
    public async Task Read_OtherEntityOfSameTenant_SeesNoneOfTheFingerprints()
    {
        var store = Store();
        var tenant = LocalStackFixture.NewTenant();
        await store.AppendAsync(new EntityKey(tenant, new EntityRef("order", "1")), [7UL], DateTimeOffset.UtcNow, default);

        Assert.Empty(await store.ReadAsync(new EntityKey(tenant, new EntityRef("order", "11")), default));
    }
}
