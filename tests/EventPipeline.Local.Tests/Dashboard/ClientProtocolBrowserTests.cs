using System.Collections.Concurrent;
using System.Text.Json;
using EventPipeline.Local.Tests.Integration;
using Microsoft.Playwright;

namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>
/// The client library's rules, each forced by a scripted WebSocket server (Playwright's WebSocket routing) in headless
/// chromium: the orders and failures the real server allows but rarely shows (a live push before the replay, a resend,
/// a hole, <c>reload</c>, API Gateway's "Internal server error" frame, an unanswered ping, a refused connection).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class ClientProtocolBrowserTests(LocalStackFixture fx)
{
    private const string MockUrl = "ws://127.0.0.1/mock-ws";

    private static string Change(string channel, long sequence) =>
        $$$"""{"type":"change","channel":"{{{channel}}}","sequence":{{{sequence}}},"data":{"kind":"entity","version":{{{sequence}}},"entity":{"kind":"order","id":"1"},"attributes":{},"eventCount":{{{sequence}}},"sources":["test"]}}""";

    private static string Subscribed(string channel, long sequence) => $$"""{"type":"subscribed","channel":"{{channel}}","sequence":{{sequence}}}""";

    /// <summary>A scripted server: every connection's client messages, and a script answering each.</summary>
    private sealed class ScriptedServer
    {
        public ConcurrentQueue<(int Connection, JsonElement Message)> Received { get; } = new();

        public int Connections;

        public List<JsonElement> Sent(string action) => Received.Select(r => r.Message).Where(m => m.GetProperty("action").GetString() == action).ToList();
    }

    private static async Task<ScriptedServer> ServeAsync(IPage page, Action<int, IWebSocketRoute, JsonElement> script)
    {
        var server = new ScriptedServer();
        await page.RouteWebSocketAsync("**/mock-ws**", ws =>
        {
            var connection = Interlocked.Increment(ref server.Connections);
            ws.OnMessage(frame =>
            {
                var message = JsonDocument.Parse(frame.Text ?? "{}").RootElement.Clone();
                server.Received.Enqueue((connection, message));
                script(connection, ws, message);
            });
        });
        return server;
    }

    private async Task StartAsync(IPage page, string[] channels, object? options = null)
    {
        await page.GotoAsync(fx.Stack.Endpoints.RestUrl + "/endpoints.json");
        await page.EvaluateAsync(ClientLibraryBrowserTests.StartClient, new { url = MockUrl, rest = fx.Stack.Endpoints.RestUrl, token = "t", channels, options = options ?? new { } });
    }

    private static Task<long[]> SeenAsync(IPage page, string channel) => page.EvaluateAsync<long[]>("c => window.__h.seen[c] ?? []", channel);

    [ChromiumFact]
    public async Task Resume_LivePushOvertakesTheReplayAndResends_DeliveredInOrderOnce()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-resume", async () =>
        {
            var server = await ServeAsync(page, (connection, ws, m) =>
            {
                if (m.GetProperty("action").GetString() != "subscribe")
                {
                    return;
                }

                if (connection == 1)
                {
                    ws.Send(Subscribed("tenant", 3));
                    ws.Send(Change("tenant", 4));
                    ws.Send(Change("tenant", 5));
                }
                else
                {
                    // The subscription is stored before the replay: a live push (8) comes first, the replay repeats 5.
                    foreach (var frame in new[] { Change("tenant", 8), Change("tenant", 6), Change("tenant", 5), Change("tenant", 7), Subscribed("tenant", 7), Change("tenant", 8), Change("tenant", 9) })
                    {
                        ws.Send(frame);
                    }
                }
            });
            await StartAsync(page, ["tenant"]);
            await page.WaitForFunctionAsync("() => (window.__h.seen.tenant ?? []).length === 2");

            await page.EvaluateAsync("() => window.__client.reconnect()");
            await page.WaitForFunctionAsync("() => (window.__h.seen.tenant ?? []).length >= 6");
            await Task.Delay(300);

            Assert.Equal(new long[] { 4, 5, 6, 7, 8, 9 }, await SeenAsync(page, "tenant"));
            var resubscribe = server.Sent("subscribe")[^1];
            Assert.Equal(5, resubscribe.GetProperty("since").GetInt64());
            Assert.False(server.Sent("subscribe")[0].TryGetProperty("since", out _));
        });
    }

    [ChromiumFact]
    public async Task Reload_MissedPushesStillLogged_ReadOverRestNoReload_LogLostThem_OnReload()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-reload", async () =>
        {
            var rest = new ConcurrentQueue<string>();
            await page.RouteAsync("**/channels/tenant/changes**", async route =>
            {
                var since = long.Parse(new Uri(route.Request.Url).Query.Split('&')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
                rest.Enqueue(route.Request.Url);
                var body = since < 14
                    ? $$"""{"channel":"tenant","since":{{since}},"latest":14,"reload":false,"changes":[{{string.Join(",", Enumerable.Range((int)since + 1, 14 - (int)since).Select(s => Change("tenant", s)))}}]}"""
                    : $$"""{"channel":"tenant","since":{{since}},"latest":20,"reload":true,"changes":[]}""";
                await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = body });
            });
            IWebSocketRoute? socket = null;
            await ServeAsync(page, (_, ws, m) =>
            {
                socket = ws;
                if (m.GetProperty("action").GetString() == "subscribe")
                {
                    ws.Send(Subscribed("tenant", 10));
                }
            });
            await StartAsync(page, ["tenant"]);
            await page.WaitForFunctionAsync("() => window.__h.subscribed.length === 1");

            // The replay did not fit in one answer: the pushes are in the change log, read over REST.
            socket!.Send("""{"type":"reload","channel":"tenant","sequence":14,"reason":"the replay did not fit in one answer: reload the aggregate"}""");
            await page.WaitForFunctionAsync("() => (window.__h.seen.tenant ?? []).length === 4");
            Assert.Equal(new long[] { 11, 12, 13, 14 }, await SeenAsync(page, "tenant"));
            Assert.Empty(await page.EvaluateAsync<object[]>("() => window.__h.reloads"));

            // The change log no longer has them: the application reloads the state, pushes go on after its sequence.
            socket.Send("""{"type":"reload","channel":"tenant","sequence":20,"reason":"changes since the given sequence are no longer in the change log: reload the aggregate"}""");
            await page.WaitForFunctionAsync("() => window.__h.reloads.length === 1");
            socket.Send(Change("tenant", 21));
            await page.WaitForFunctionAsync("() => (window.__h.seen.tenant ?? []).includes(21)");
            Assert.Equal(20, await page.EvaluateAsync<long>("() => window.__h.reloads[0].sequence"));
            Assert.Equal(new long[] { 11, 12, 13, 14, 21 }, await SeenAsync(page, "tenant"));
            Assert.Contains("gap", await page.EvaluateAsync<string[]>("() => window.__h.errors"));
            Assert.Contains(rest, u => u.Contains("since=10", StringComparison.Ordinal));
        });
    }

    [ChromiumFact]
    public async Task Hole_LaterPushFirst_WaitsThenReadsTheMissingOneOverRest()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-hole", async () =>
        {
            await page.RouteAsync("**/channels/tenant/changes**", route => route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "application/json",
                Body = $$"""{"channel":"tenant","since":0,"latest":2,"reload":false,"changes":[{{Change("tenant", 1)}},{{Change("tenant", 2)}}]}""",
            }));
            await ServeAsync(page, (_, ws, m) =>
            {
                if (m.GetProperty("action").GetString() == "subscribe")
                {
                    ws.Send(Subscribed("tenant", 0));
                    ws.Send(Change("tenant", 2));
                }
            });
            await StartAsync(page, ["tenant"]);

            await page.WaitForFunctionAsync("() => (window.__h.seen.tenant ?? []).length === 2");
            Assert.Equal(new long[] { 1, 2 }, await SeenAsync(page, "tenant"));
        });
    }

    [ChromiumFact]
    public async Task InternalServerErrorFrame_TypedErrorAndTheSubscriptionAskedAgain()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-internal-error", async () =>
        {
            var attempts = 0;
            var server = await ServeAsync(page, (_, ws, m) =>
            {
                if (m.GetProperty("action").GetString() == "subscribe")
                {
                    ws.Send(Interlocked.Increment(ref attempts) == 1
                        ? """{"message": "Internal server error", "connectionId":"c1", "requestId":"r1"}"""
                        : Subscribed("metric/events", 6));
                }
            });
            await StartAsync(page, ["metric/events"]);

            await page.WaitForFunctionAsync("() => window.__h.subscribed.length === 1");
            Assert.Equal(2, server.Sent("subscribe").Count);
            Assert.Equal(1, server.Connections);
            Assert.Contains("internal_server_error", await page.EvaluateAsync<string[]>("() => window.__h.errors"));
        });
    }

    [ChromiumFact]
    public async Task ErrorFrame_TypedErrorWithFieldAndRule_ConnectionStaysOpen()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-error-frame", async () =>
        {
            await ServeAsync(page, (_, ws, m) =>
            {
                if (m.GetProperty("action").GetString() == "subscribe")
                {
                    ws.Send("""{"type":"error","field":"since","rule":"must be a non-negative integer sequence","message":"since: must be a non-negative integer sequence"}""");
                }
            });
            await StartAsync(page, ["tenant"]);

            await page.WaitForFunctionAsync("() => window.__h.errors.includes('rejected:since')");
            Assert.Equal(["must be a non-negative integer sequence"], await page.EvaluateAsync<string[]>("() => window.__h.rules"));
            Assert.Equal("open", await page.EvaluateAsync<string>("() => window.__client.state"));
        });
    }

    [ChromiumFact]
    public async Task Ping_Unanswered_ConnectionDroppedAndResumedOnANewOne()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-ping", async () =>
        {
            var server = await ServeAsync(page, (connection, ws, m) =>
            {
                switch (m.GetProperty("action").GetString())
                {
                    case "subscribe":
                        ws.Send(Subscribed("tenant", connection == 1 ? 2 : 3));
                        if (connection == 1)
                        {
                            ws.Send(Change("tenant", 3));
                        }

                        break;
                    case "ping" when connection >= 2:
                        ws.Send("""{"type":"pong","time":"2026-12-01T10:00:00Z"}""");
                        break;
                }
            });
            await StartAsync(page, ["tenant"], new { pingIntervalMs = 200, pongTimeoutMs = 300 });

            // The first connection never answers its ping: the client drops it and resumes after 3 on a new one.
            await LocalStackFixture.EventuallyAsync(() => Task.FromResult(server.Connections >= 2 && server.Sent("subscribe").Count >= 2 ? "again" : null), "a second connection");
            Assert.Equal(3, server.Sent("subscribe")[^1].GetProperty("since").GetInt64());
            Assert.NotEmpty(server.Sent("ping"));
            await Task.Delay(1000);
            Assert.Equal(2, server.Connections);
        });
    }

    [ChromiumFact]
    public async Task Connect_Refused_RetriedWithGrowingBackoffUpToTheMaximum()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-backoff", async () =>
        {
            await page.GotoAsync(fx.Stack.Endpoints.RestUrl + "/endpoints.json");
            // Nothing listens on port 9.
            await page.EvaluateAsync(ClientLibraryBrowserTests.StartClient, new { url = "ws://127.0.0.1:9/ws", rest = fx.Stack.Endpoints.RestUrl, token = "t", channels = new[] { "tenant" }, options = new { initialBackoffMs = 100, maxBackoffMs = 800 } });

            await page.WaitForFunctionAsync("() => window.__h.errors.length >= 6", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
            var times = await page.EvaluateAsync<double[]>("() => window.__h.errorTimes");
            var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
            Assert.All(await page.EvaluateAsync<string[]>("() => window.__h.errors"), e => Assert.Equal("connection_refused", e));
            Assert.True(gaps[3] > gaps[0], $"backoff did not grow: {string.Join(", ", gaps)}");
            Assert.All(gaps, g => Assert.InRange(g, 40, 800 + 400));
        });
    }
}
