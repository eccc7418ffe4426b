using EventPipeline.Aws.Clients;
using EventPipeline.Local.Tests.Delivery;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>
/// The browser client library (src/eventpipeline-client, served at /client/) in headless chromium against the shared
/// stack: events keep arriving while the connection is dropped again and again, and every channel must still be seen
/// as consecutive sequences up to the channel's latest, each once.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class ClientLibraryBrowserTests(LocalStackFixture fx)
{
    /// <summary>Starts a client on the page, subscribed to <c>channels</c>; what it delivers is kept in <c>window.__h</c>.</summary>
    internal const string StartClient = """
        async ({ url, rest, token, channels, options }) => {
          const { EventPipelineClient } = await import('/client/eventpipeline-client.js');
          const h = window.__h = { seen: {}, errors: [], errorTimes: [], rules: [], reloads: [], subscribed: [], states: [] };
          const client = window.__client = new EventPipelineClient({ url, restUrl: rest, token: () => token, initialBackoffMs: 50, maxBackoffMs: 500, holeWaitMs: 300, ...(options ?? {}) });
          client.on('error', (e) => { h.errors.push(e.code + (e.field ? ':' + e.field : '')); h.errorTimes.push(Date.now()); if (e.rule) h.rules.push(e.rule); });
          client.on('state', (s) => h.states.push(s));
          for (const c of channels) {
            client.subscribe(c, {
              onChange: (m) => (h.seen[c] ??= []).push(m.sequence),
              onReload: (r) => h.reloads.push(r),
              onSubscribed: (s) => h.subscribed.push(s),
            });
          }
          client.connect();
        }
        """;

    [ChromiumFact]
    public async Task Client_ForcedDisconnectsUnderLoad_EveryChannelConsecutiveToItsLatestOnce()
    {
        var tenant = LocalStackFixture.NewTenant("cl");
        var token = fx.Stack.IssueToken(tenant);
        string[] channels = ["tenant", "entity/order/1", "metric/events"];
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("client-under-load", async () =>
        {
            await page.GotoAsync(fx.Stack.Endpoints.RestUrl + "/endpoints.json");
            await page.EvaluateAsync(StartClient, new { url = fx.Stack.Endpoints.WebSocketUrl, rest = fx.Stack.Endpoints.RestUrl, token, channels, options = new { } });
            await page.WaitForFunctionAsync("n => window.__h.subscribed.length === n", channels.Length);

            // Load: 8 batches of 15 events over 5 entities, while the socket is dropped after every batch and once kept
            // closed for a while (the change log replays what it missed).
            const int Batches = 8, PerBatch = 15;
            for (var b = 0; b < Batches; b++)
            {
                await fx.Kinesis.PutRecordsAsync(
                    fx.Stack.Settings.EventsStream,
                    Enumerable.Range(0, PerBatch).Select(i => new PutRecordsEntry(
                        $"{tenant}:{i % 5}",
                        LocalStackFixture.CloudEvent(tenant, $"load-{b}-{i}", $"order/{(i % 5) + 1}", data: $$"""{"amount":{{i}},"status":"b{{b}}"}"""))).ToList(),
                    CancellationToken.None);
                if (b == 3)
                {
                    await page.EvaluateAsync("() => window.__client.close()");
                    await Task.Delay(1500);
                    await page.EvaluateAsync("() => window.__client.connect()");
                }
                else
                {
                    await page.EvaluateAsync("() => window.__client.reconnect()");
                    await Task.Delay(300);
                }
            }

            await DeliveryKit.UntilAsync(() => fx.EventCountAsync(tenant), Batches * PerBatch, "every event applied", TimeSpan.FromSeconds(90));
            foreach (var channel in channels)
            {
                long latest = 0;
                await LocalStackFixture.EventuallyAsync<object>(
                    async () =>
                    {
                        latest = await fx.LatestSequenceAsync(tenant, channel);
                        return latest > 0 && await page.EvaluateAsync<long?>("c => window.__client.lastSequence(c)", channel) == latest ? "caught up" : null;
                    },
                    $"{channel} caught up with its latest sequence",
                    TimeSpan.FromSeconds(60));
                var seen = await page.EvaluateAsync<long[]>("c => window.__h.seen[c] ?? []", channel);
                var first = await page.EvaluateAsync<long>("c => window.__h.subscribed.find(s => s.channel === c).sequence", channel);
                // From the first subscription's sequence on: every push once, in order, none missing.
                Assert.Equal(Enumerable.Range(1, (int)(latest - first)).Select(i => first + i), seen);
            }

            Assert.Empty(await page.EvaluateAsync<object[]>("() => window.__h.reloads"));
            Assert.Contains("connection_lost", await page.EvaluateAsync<string[]>("() => window.__h.errors"));
        });
    }
}
