using EventPipeline.Application.Ports;
using EventPipeline.Application.Query;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Application.Tests.Query;

/// <summary>Listing a tenant's entity kinds with their counts over the in-memory read side: nothing running.</summary>
public sealed class EntityKindsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryAggregateItems _items = new();
    private readonly AggregateQueries _queries;

    public EntityKindsTests()
    {
        var clock = new FakeTimeProvider(Now);
        _queries = new AggregateQueries(_items, new InMemoryChangeLog(clock, TimeSpan.FromHours(24)), clock);
    }

    private async Task SeedAsync(string tenant, string kind, int count, string idPrefix = "")
    {
        for (var i = 0; i < count; i++)
        {
            var state = new EntityViewState(new EntityKey(tenant, new EntityRef(kind, $"{idPrefix}{i:D5}")));
            Assert.Equal(WriteOutcome.Written, (await _items.WriteAsync(new StoredAggregate(state, 1, new Dictionary<string, string>()), 0, Now, CancellationToken.None)).Outcome);
        }
    }

    /// <summary>Walks every page; returns the kinds in the order listed and the number of pages.</summary>
    private async Task<(List<EntityKindCount> Kinds, int Pages)> WalkAsync(string tenant, int limit)
    {
        var kinds = new List<EntityKindCount>();
        EntityKindCursor? cursor = null;
        var pages = 0;
        do
        {
            var outcome = await _queries.EntityKindsAsync(tenant, limit, cursor, CancellationToken.None);
            var page = Assert.IsType<EntityKindPage>(outcome.Value);
            Assert.True(page.Kinds.Count <= limit);
            kinds.AddRange(page.Kinds);
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null && pages < 100);

        Assert.Null(cursor);
        return (kinds, pages);
    }

    [Fact]
    public async Task EntityKinds_SeveralKinds_ListsEachKindOnceInOrderWithItsCount()
    {
        await SeedAsync("acme", "user", 2);
        await SeedAsync("acme", "order", 3);
        await SeedAsync("acme", "issue", 1);

        var outcome = await _queries.EntityKindsAsync("acme", 100, null, CancellationToken.None);

        Assert.Equal([new("issue", 1), new("order", 3), new("user", 2)], outcome.Value!.Kinds);
        Assert.Null(outcome.Value.Next);
        Assert.Equal(1, _items.IndexReads);
    }

    [Fact]
    public async Task EntityKinds_OtherTenantsAndMetrics_NeitherListedNorCounted()
    {
        await SeedAsync("acme", "order", 2);
        await SeedAsync("other", "order", 5);
        await SeedAsync("other", "invoice", 1);
        var metric = new MetricState(new TotalKey("acme", "events"));
        await _items.WriteAsync(new StoredAggregate(metric, 1, new Dictionary<string, string>()), 0, Now, CancellationToken.None);

        var outcome = await _queries.EntityKindsAsync("acme", 100, null, CancellationToken.None);

        Assert.Equal([new EntityKindCount("order", 2)], outcome.Value!.Kinds);
    }

    [Fact]
    public async Task EntityKinds_NoEntities_EmptyLastPage()
    {
        var outcome = await _queries.EntityKindsAsync("nobody", 10, null, CancellationToken.None);

        Assert.Empty(outcome.Value!.Kinds);
        Assert.Null(outcome.Value.Next);
    }

    [Fact]
    public async Task EntityKinds_KindLargerThanOneRead_CountedAcrossPagesListedOnceOneReadPerPage()
    {
        var many = (AggregateQueries.EntitiesPerKindPage * 2) + 500;
        await SeedAsync("acme", "alert", 2);
        await SeedAsync("acme", "order", many);
        await SeedAsync("acme", "user", 3);

        var (kinds, pages) = await WalkAsync("acme", 100);

        Assert.Equal([new("alert", 2), new("order", many), new("user", 3)], kinds);
        Assert.Equal(3, pages);
        Assert.Equal(pages, _items.IndexReads);
    }

    [Fact]
    public async Task EntityKinds_LimitReached_NextPageStartsAtTheNextKind()
    {
        for (var k = 0; k < 5; k++)
        {
            await SeedAsync("acme", $"k{k}", k + 1);
        }

        var first = (await _queries.EntityKindsAsync("acme", 2, null, CancellationToken.None)).Value!;
        var (rest, _) = await WalkAsync("acme", 2);

        Assert.Equal([new("k0", 1), new("k1", 2)], first.Kinds);
        Assert.NotNull(first.Next);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => new EntityKindCount($"k{k}", k + 1)), rest);
    }

    [Theory]
    [InlineData(1, 11)]
    [InlineData(3, 12)]
    [InlineData(7, 13)]
    [InlineData(100, 14)]
    public async Task EntityKinds_GeneratedKindsAndLimits_EveryKindOnceWithItsExactCount(int limit, int seed)
    {
        var random = new Random(seed);
        var expected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var k = 0; k < random.Next(1, 12); k++)
        {
            // Around the read size, so kinds start, end and span reads at every offset.
            var count = random.Next(4) == 0 ? random.Next(AggregateQueries.EntitiesPerKindPage - 2, AggregateQueries.EntitiesPerKindPage + 3) : random.Next(1, 40);
            expected[$"kind-{k:D2}"] = count;
            await SeedAsync("acme", $"kind-{k:D2}", count);
        }

        var (kinds, _) = await WalkAsync("acme", limit);

        Assert.Equal(expected.Select(e => new EntityKindCount(e.Key, e.Value)), kinds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task EntityKinds_LimitOutOfRange_InvalidNamingLimit(int limit)
    {
        var outcome = await _queries.EntityKindsAsync("acme", limit, null, CancellationToken.None);

        Assert.Equal(QueryFailure.Invalid, outcome.Failure);
        Assert.Equal("limit", outcome.Problem!.Field);
        Assert.Equal("must be an integer from 1 to 100", outcome.Problem.Rule);
    }

    [Theory]
    [InlineData("no spaces", "1", 0)]
    [InlineData("order", "", 0)]
    [InlineData("order", "1", -1)]
    public async Task EntityKinds_CursorNotFromAPage_InvalidNamingCursor(string kind, string id, long counted)
    {
        var outcome = await _queries.EntityKindsAsync("acme", 10, new EntityKindCursor(kind, id, counted), CancellationToken.None);

        Assert.Equal(QueryFailure.Invalid, outcome.Failure);
        Assert.Equal("cursor", outcome.Problem!.Field);
        Assert.Equal(0, _items.IndexReads);
    }
}
