using Microsoft.Extensions.Time.Testing;
using EventPipeline.Testing;
using System.Globalization;
using System.Text.Json;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Ingest;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Tests.Exactness;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Sources;
using EventPipeline.Topology;
using EventPipeline.Application.Ingest;
using EventPipeline.Aws.Kinesis;

namespace EventPipeline.Local.Tests.Query;

/// <summary>
/// The REST API through the local HTTP gateway (JWT authorizer included) on aggregates written by the real Ingest path
/// into the shared stack's table: every route, every 400 with its field and rule, every 404, and tenant isolation.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class QueryApiTests(LocalStackFixture fx)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Minute start a few minutes ago: every event of a test lands in it, none is late.</summary>
    private static readonly DateTimeOffset Minute = Granularity.Minute.BucketStart(Now).AddMinutes(-5);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ingests CloudEvents (subject, amount, status) for <paramref name="tenant"/> through the real pipeline.</summary>
    private async Task IngestAsync(string tenant, params (string Subject, decimal Amount, string Status)[] events)
    {
        var clock = new FakeTimeProvider(Now);
        var pipeline = new IngestPipeline(
            SourceCatalog.Create(new SourceDependencies { Clock = clock }),
            new KplRecordSplitter(),
            new AggregateWriter(new DynamoAggregateItems(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.AggregatesTable), new DynamoDedupStore(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.DedupTable, PipelineTopology.DedupRetention)),
            new InMemoryDeadLetters(),
            clock,
            new AggregationOptions(fx.Stack.Settings.GracePeriod),
            "ingest-query-tests");
        var batch = events.Select((e, i) => new StreamRecord(
            "shardId-000000000000",
            (1000 + i).ToString(CultureInfo.InvariantCulture),
            e.Subject,
            LocalStackFixture.CloudEvent(tenant, $"q-{i}", e.Subject, time: Minute.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
                data: $$"""{"amount":{{e.Amount.ToString(CultureInfo.InvariantCulture)}},"status":"{{e.Status}}"}"""),
            DateTimeOffset.FromUnixTimeSeconds(Now.ToUnixTimeSeconds()),
            "arn:aws:kinesis:us-east-1:000000000000:stream/events")).ToList();

        var result = await pipeline.ProcessAsync(batch, CancellationToken.None);
        Assert.Empty(result.FailedSequenceNumbers);
        Assert.Equal(events.Length, result.Applied);
    }

    [Fact]
    public async Task GetEntity_Existing_ReturnsLatestState()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("order/1", 5m, "new"), ("order/1", 7m, "paid"));

        var (status, body) = await fx.GetAsync("aggregates/entities/order/1", fx.Stack.IssueToken(tenant));

        Assert.Equal(200, status);
        Assert.Equal("entity", body.GetProperty("kind").GetString());
        Assert.Equal("1", body.GetProperty("entity").GetProperty("id").GetString());
        Assert.Equal("paid", body.GetProperty("attributes").GetProperty("status").GetString());
        Assert.Equal(2, body.GetProperty("eventCount").GetInt64());
        Assert.True(body.GetProperty("version").GetInt64() >= 1);
    }

    [Fact]
    public async Task ListEntities_MoreThanOnePage_CursorWalksEveryEntityOnce()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, Enumerable.Range(1, 5).Select(i => ($"order/{i}", (decimal)i, "new")).ToArray());
        var token = fx.Stack.IssueToken(tenant);

        var ids = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var (status, body) = await fx.GetAsync($"aggregates/entities/order?limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", token);
            Assert.Equal(200, status);
            var items = body.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            ids.AddRange(items.Select(i => i.GetProperty("entity").GetProperty("id").GetString()!));
            cursor = body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.True(pages >= 3);
        Assert.Equal(["1", "2", "3", "4", "5"], ids);
    }

    [Fact]
    public async Task ListEntityKinds_EntitiesOfSeveralKinds_ListsEachKindWithItsCount()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("order/1", 1m, "new"), ("order/2", 2m, "new"), ("order/1", 3m, "paid"), ("user/7", 0m, "new"), ("invoice/x", 9m, "new"));
        var token = fx.Stack.IssueToken(tenant);

        // The index is eventually consistent, like any GSI.
        var body = await LocalStackFixture.EventuallyAsync(
            async () =>
            {
                var (status, b) = await fx.GetAsync("aggregates/entities", token);
                Assert.Equal(200, status);
                return b.GetProperty("kinds").GetArrayLength() == 3 ? b.GetRawText() : null;
            },
            "three kinds listed");

        using var doc = JsonDocument.Parse(body);
        var kinds = doc.RootElement.GetProperty("kinds").EnumerateArray().Select(k => (k.GetProperty("kind").GetString(), k.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("invoice", 1L), ("order", 2L), ("user", 1L)], kinds);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task ListEntityKinds_LimitOne_CursorWalksEveryKindOnce()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("a/1", 1m, "new"), ("b/1", 1m, "new"), ("b/2", 1m, "new"), ("c/1", 1m, "new"));
        var token = fx.Stack.IssueToken(tenant);
        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities", token)).Body.GetProperty("kinds").GetArrayLength() == 3 ? "all" : null,
            "three kinds indexed");

        var kinds = new List<(string?, long)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (status, body) = await fx.GetAsync($"aggregates/entities?limit=1{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", token);
            Assert.Equal(200, status);
            kinds.AddRange(body.GetProperty("kinds").EnumerateArray().Select(k => (k.GetProperty("kind").GetString(), k.GetProperty("count").GetInt64())));
            cursor = body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal([("a", 1L), ("b", 2L), ("c", 1L)], kinds);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListMetrics_ReturnsEveryMetricTotal()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("order/1", 2.5m, "new"), ("order/2", 4m, "new"));

        var (status, body) = await fx.GetAsync("aggregates/metrics", fx.Stack.IssueToken(tenant));

        Assert.Equal(200, status);
        var metrics = body.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("metric").GetString()!);
        Assert.Equal(["amount", "events"], metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, metrics["events"].GetProperty("count").GetInt64());
        Assert.Equal(6.5m, metrics["amount"].GetProperty("sum").GetDecimal());
    }

    [Fact]
    public async Task GetMetric_RangeAndGranularity_ReturnsTotalAndWindows()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("order/1", 3m, "new"), ("order/2", -1m, "new"), ("order/3", 10m, "new"));
        var token = fx.Stack.IssueToken(tenant);

        var (status, body) = await fx.GetAsync($"aggregates/metrics/amount?granularity=minute&from={Iso(Minute.AddMinutes(-2))}&to={Iso(Minute.AddMinutes(2))}", token);

        Assert.Equal(200, status);
        Assert.Equal("minute", body.GetProperty("granularity").GetString());
        Assert.Equal(3, body.GetProperty("total").GetProperty("count").GetInt64());
        var window = Assert.Single(body.GetProperty("windows").EnumerateArray());
        Assert.Equal(Iso(Minute), window.GetProperty("bucket").GetString());
        Assert.Equal((3L, 12m, -1m, 10m), (window.GetProperty("count").GetInt64(), window.GetProperty("sum").GetDecimal(), window.GetProperty("min").GetDecimal(), window.GetProperty("max").GetDecimal()));

        // A range that excludes the event's minute has the total but no window.
        var (_, before) = await fx.GetAsync($"aggregates/metrics/amount?granularity=minute&from={Iso(Minute.AddMinutes(-30))}&to={Iso(Minute.AddMinutes(-10))}", token);
        Assert.Empty(before.GetProperty("windows").EnumerateArray());

        var (_, hour) = await fx.GetAsync("aggregates/metrics/events?granularity=hour", token);
        Assert.Equal(3, hour.GetProperty("windows").EnumerateArray().Sum(w => w.GetProperty("count").GetInt64()));
    }

    [Fact]
    public async Task ChannelChanges_SinceZero_ListsPublishedChanges()
    {
        var tenant = LocalStackFixture.NewTenant();
        await IngestAsync(tenant, ("order/9", 1m, "new"));
        var token = fx.Stack.IssueToken(tenant);

        // The publisher reads the table's stream asynchronously: wait for the change log to have it.
        var raw = await LocalStackFixture.EventuallyAsync(
            async () =>
            {
                var (status, b) = await fx.GetAsync("channels/entity/order/9/changes?since=0", token);
                Assert.Equal(200, status);
                return b.GetProperty("changes").GetArrayLength() > 0 ? b.GetRawText() : null;
            },
            "the entity change in the change log");

        using var doc = JsonDocument.Parse(raw);
        var body = doc.RootElement;
        Assert.Equal("entity/order/9", body.GetProperty("channel").GetString());
        Assert.True(body.GetProperty("latest").GetInt64() >= 1);
        Assert.False(body.GetProperty("reload").GetBoolean());
    }

    [Theory]
    [InlineData("aggregates/metrics/events?granularity=week", "granularity", "required, one of: minute, hour, day")]
    [InlineData("aggregates/metrics/events", "granularity", "required, one of: minute, hour, day")]
    [InlineData("aggregates/metrics/events?granularity=hour&from=2026-01-02T00:00:00Z&to=2026-01-02T00:00:00Z", "from", "must be before 'to'")]
    [InlineData("aggregates/metrics/events?granularity=hour&from=2026-01-03T00:00:00Z&to=2026-01-02T00:00:00Z", "from", "must be before 'to'")]
    [InlineData("aggregates/metrics/events?granularity=minute&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", "to", "range must span at most 1440 minute windows")]
    [InlineData("aggregates/metrics/events?granularity=hour&from=yesterday", "from", "must be an ISO-8601 date-time, e.g. 2026-11-22T10:00:00Z")]
    [InlineData("aggregates/entities?limit=0", "limit", "must be an integer from 1 to 100")]
    [InlineData("aggregates/entities?limit=many", "limit", "must be an integer from 1 to 100")]
    [InlineData("aggregates/entities?cursor=not-a-cursor", "cursor", "must be a cursor returned by a previous page")]
    [InlineData("aggregates/entities?cursor=djE6b3JkZXI", "cursor", "must be a cursor returned by a previous page")]
    [InlineData("aggregates/entities/order?limit=0", "limit", "must be an integer from 1 to 100")]
    [InlineData("aggregates/entities/order?limit=101", "limit", "must be an integer from 1 to 100")]
    [InlineData("aggregates/entities/order?limit=ten", "limit", "must be an integer from 1 to 100")]
    [InlineData("aggregates/entities/order?cursor=not-a-cursor", "cursor", "must be a cursor returned by a previous page")]
    [InlineData("aggregates/entities/bad%20kind", "kind", Domain.Names.NameRule)]
    [InlineData("channels/tenant/changes", "since", "required, a non-negative integer sequence")]
    [InlineData("channels/tenant/changes?since=-1", "since", "required, a non-negative integer sequence")]
    [InlineData("channels/tenant/changes?since=abc", "since", "required, a non-negative integer sequence")]
    [InlineData("channels/bogus/changes?since=0", "channel", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    [InlineData("channels/entity/order/changes?since=0", "channel", "must be 'tenant', 'entity/{kind}/{id}', 'metric/{name}' or 'source/{source}'")]
    public async Task Get_BadParameter_Is400NamingFieldAndRule(string path, string field, string rule)
    {
        var (status, body) = await fx.GetAsync(path, fx.Stack.IssueToken(LocalStackFixture.NewTenant()));

        Assert.Equal(400, status);
        Assert.Equal("bad_request", body.GetProperty("error").GetString());
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.Equal(rule, body.GetProperty("rule").GetString());
    }

    [Theory]
    [InlineData("aggregates/entities/order/404", "id")]
    [InlineData("aggregates/metrics/nosuchmetric?granularity=hour", "name")]
    public async Task Get_Unknown_Is404(string path, string field)
    {
        var (status, body) = await fx.GetAsync(path, fx.Stack.IssueToken(LocalStackFixture.NewTenant()));

        Assert.Equal(404, status);
        Assert.Equal("not_found", body.GetProperty("error").GetString());
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("aggregates/unknown")]
    [InlineData("aggregates/entities/order/1/extra")]
    public async Task Get_NoSuchRoute_GatewayAnswers404NotFound(string path)
    {
        // As API Gateway does: a path no route of the template matches never reaches a function.
        var (status, body) = await fx.GetAsync(path, fx.Stack.IssueToken(LocalStackFixture.NewTenant()));

        Assert.Equal(404, status);
        Assert.Equal("Not Found", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("aggregates/entities")]
    [InlineData("aggregates/entities/order")]
    [InlineData("aggregates/metrics")]
    public async Task Get_WithoutAToken_GatewayAnswers401BeforeAnyRead(string path)
    {
        using var response = await fx.Http.GetAsync(path);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unauthorized", body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Get_AnotherTenantsData_IsNeverVisible()
    {
        var a = LocalStackFixture.NewTenant("a");
        await IngestAsync(a, ("order/1", 5m, "new"));
        var tokenA = fx.Stack.IssueToken(a);
        var tokenB = fx.Stack.IssueToken(LocalStackFixture.NewTenant("b"));
        Assert.Equal(200, (await fx.GetAsync("aggregates/entities/order/1", tokenA)).Status);
        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities", tokenA)).Body.GetProperty("kinds").GetArrayLength() == 1 ? "indexed" : null,
            "tenant a's kind indexed");

        Assert.Equal(404, (await fx.GetAsync("aggregates/entities/order/1", tokenB)).Status);
        Assert.Equal(404, (await fx.GetAsync("aggregates/metrics/amount?granularity=minute", tokenB)).Status);
        var (_, kinds) = await fx.GetAsync("aggregates/entities", tokenB);
        Assert.Empty(kinds.GetProperty("kinds").EnumerateArray());
        var (listStatus, list) = await fx.GetAsync("aggregates/entities/order", tokenB);
        Assert.Equal(200, listStatus);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var (_, metrics) = await fx.GetAsync("aggregates/metrics", tokenB);
        Assert.Empty(metrics.GetProperty("metrics").EnumerateArray());
        var (_, changes) = await fx.GetAsync("channels/entity/order/1/changes?since=0", tokenB);
        Assert.Empty(changes.GetProperty("changes").EnumerateArray());
    }
}
