using System.Text;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Integration;

[Collection(LocalStackCollection.Name)]
public sealed class WalkingSkeletonTests(LocalStackFixture fx)
{
    [Fact]
    public async Task PutRecord_CloudEvent_ReachesSubscribedWebSocketAndRest()
    {
        var tenant = LocalStackFixture.NewTenant();
        var token = fx.Stack.IssueToken(tenant);
        await using var socket = await fx.ConnectAsync(token);
        await socket.SubscribeAsync("tenant");
        await socket.SubscribeAsync("entity/order/42");

        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:order/42", LocalStackFixture.CloudEvent(tenant, "ce-1", "order/42"), CancellationToken.None);

        var push = await socket.WaitForAsync(
            m => TestSocket.Is(m, "change") && m.GetProperty("channel").GetString() == "entity/order/42",
            "entity push");
        Assert.Equal("entity", push.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("new", push.GetProperty("data").GetProperty("attributes").GetProperty("status").GetString());
        Assert.True(push.GetProperty("sequence").GetInt64() >= 1);
        var tenantPush = await socket.WaitForAsync(m => TestSocket.Is(m, "change") && m.GetProperty("channel").GetString() == "tenant", "tenant push");
        Assert.True(tenantPush.GetProperty("sequence").GetInt64() >= 1);

        var (status, body) = await fx.GetAsync("aggregates/entities/order/42", token);
        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("eventCount").GetInt64());
        Assert.Equal("order.created", body.GetProperty("type").GetString());
        var (mStatus, metric) = await fx.GetAsync("aggregates/metrics/events?granularity=minute", token);
        Assert.Equal(200, mStatus);
        Assert.Equal(1, metric.GetProperty("total").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Sequences_PerChannel_IncreaseWithoutGaps()
    {
        var tenant = LocalStackFixture.NewTenant();
        var token = fx.Stack.IssueToken(tenant);
        await using var socket = await fx.ConnectAsync(token);
        await socket.SubscribeAsync("entity/ticket/7");
        for (var i = 0; i < 5; i++)
        {
            await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:ticket/7",
                LocalStackFixture.CloudEvent(tenant, $"seq-{i}", "ticket/7", data: $$"""{"n":{{i}}}"""), CancellationToken.None);
        }

        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities/ticket/7", token)).Body is { ValueKind: System.Text.Json.JsonValueKind.Object } b
                && b.TryGetProperty("eventCount", out var c) && c.GetInt64() == 5 ? "done" : null,
            "five events applied");
        var last = await socket.WaitForAsync(m => TestSocket.Is(m, "change") && m.GetProperty("data").GetProperty("eventCount").GetInt64() == 5, "latest state pushed");
        var sequences = socket.Changes("entity/ticket/7").Select(m => m.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.Equal(sequences[^1], last.GetProperty("sequence").GetInt64());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-jwt")]
    public async Task Connect_MissingOrInvalidToken_IsRefused(string? token)
    {
        Assert.Equal(401, await fx.ConnectStatusAsync(token));
    }

    [Fact]
    public async Task Connect_TokenSignedWithAnotherKey_IsRefused()
    {
        var forged = EventPipeline.Connections.TenantTokenValidator.Issue(Encoding.UTF8.GetBytes(new string('k', 32)), fx.Stack.Settings.JwtIssuer, fx.Stack.Settings.JwtAudience, "demo", TimeSpan.FromHours(1));
        Assert.Equal(401, await fx.ConnectStatusAsync(forged));
    }

    [Fact]
    public async Task Rest_WithoutToken_Is401()
    {
        using var response = await fx.Http.GetAsync("aggregates/metrics");
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task MalformedRecords_InOneBatch_AreDeadLetteredAndTheRestApplied()
    {
        var tenant = LocalStackFixture.NewTenant();
        var token = fx.Stack.IssueToken(tenant);
        var key = $"{tenant}:item/1";
        var result = await fx.Kinesis.PutRecordsAsync(
            fx.Stack.Settings.EventsStream,
            [
                new PutRecordsEntry(key, Encoding.UTF8.GetBytes("this is not json")),
                new PutRecordsEntry(key, LocalStackFixture.CloudEvent(tenant, "good-1", "item/1")),
                new PutRecordsEntry(key, Encoding.UTF8.GetBytes($$"""{"tenant":"{{tenant}}","source":"nope","receivedAt":"2026-11-22T10:00:00Z","headers":{},"body":"{}"}""")),
                new PutRecordsEntry(key, LocalStackFixture.CloudEvent(tenant, "good-2", "item/1")),
            ],
            CancellationToken.None);
        Assert.Equal(0, result.FailedRecordCount);
        var sequences = result.Records.Select(r => r.SequenceNumber!).ToList();

        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities/item/1", token)).Body is { ValueKind: System.Text.Json.JsonValueKind.Object } b
                && b.TryGetProperty("eventCount", out var c) && c.GetInt64() == 2 ? "done" : null,
            "both good events applied");
        var letters = await LocalStackFixture.EventuallyAsync(
            async () =>
            {
                var all = await fx.Stack.DeadLetters.ListAsync(10_000, CancellationToken.None);
                var mine = all.Where(l => sequences.Contains(l.SequenceNumber)).ToList();
                return mine.Count == 2 ? mine : null;
            },
            "two dead letters");
        var malformed = Assert.Single(letters, l => l.SequenceNumber == sequences[0]);
        Assert.Equal("malformed", malformed.Category);
        Assert.Equal("record", malformed.Field);
        Assert.Equal("this is not json", Encoding.UTF8.GetString(malformed.Data));
        var unknown = Assert.Single(letters, l => l.SequenceNumber == sequences[2]);
        Assert.Equal("unknown-source", unknown.Category);
        Assert.Equal("source", unknown.Field);
        Assert.Contains("cloudevents", unknown.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stack_OnSeparatelyStartedEmulators_Works()
    {
        await using var emulators = await EmulatorSet.StartAsync(new EmulatorOptions { KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0 });
        await using var stack = await LocalStack.StartAsync(fx.Options(emulators.KinesisEndpoint, emulators.DynamoDbEndpoint, emulators.MotoEndpoint));
        Assert.Equal(emulators.KinesisEndpoint.ToString().TrimEnd('/'), stack.Endpoints.KinesisEndpoint);
        var tenant = LocalStackFixture.NewTenant("x");
        await stack.Aws.Kinesis.PutRecordAsync(stack.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, "ext-1", "thing/1"), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri(stack.Endpoints.RestUrl + "/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", stack.IssueToken(tenant));
        await LocalStackFixture.EventuallyAsync(
            async () => (await http.GetAsync("aggregates/entities/thing/1")).IsSuccessStatusCode ? "ok" : null,
            "aggregate on the external emulators");
    }
}
