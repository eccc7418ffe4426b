using System.Text.Json;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Sources.Signing;
using Microsoft.Playwright;

namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>The dashboard in a real headless browser against the shared local stack.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class DashboardBrowserTests(LocalStackFixture fx)
{
    /// <summary>Set to 1 to write the README's screenshot (docs/dashboard.png) from this run.</summary>
    public const string UpdateScreenshotVariable = "EVENTPIPELINE_UPDATE_SCREENSHOT";

    [ChromiumFact]
    public async Task Dashboard_NewBrowserAfterTheReadmesEvents_ShowsEveryKindAndEntityWithoutANewEvent()
    {
        // The README's "Try it": the events of events/try-it posted to the demo tenant's CloudEvents webhook.
        var tenant = fx.Stack.Endpoints.DemoTenant;
        var files = Directory.GetFiles(Path.Combine(fx.Stack.RepoRoot, "events", "try-it"), "*.json").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            await PostCloudEventAsync(tenant, await File.ReadAllBytesAsync(file));
        }

        var expected = files.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("subject").GetString()!).Distinct().ToList();
        var kinds = expected.GroupBy(s => s.Split('/')[0]).ToDictionary(g => g.Key, g => g.Count());
        // Published before the browser opens, so what the page shows comes from REST alone.
        await WaitForEntityChangesAsync(tenant, expected.Count);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("dashboard-try-it", async () =>
        {
            await page.GotoAsync(fx.Stack.DashboardSignInUrl);
            // Signed in by itself with the demo token (asked for with the admin token the URL's fragment carried).
            await page.WaitForSelectorAsync("#conn-state[data-state=open]");
            Assert.Contains("tenant " + tenant, await page.TextContentAsync("#signed-in-as"), StringComparison.Ordinal);
            Assert.DoesNotContain("admin=", page.Url, StringComparison.Ordinal);
            foreach (var (kind, count) in kinds)
            {
                await page.WaitForSelectorAsync($"#kinds button[data-kind='{kind}'][data-count='{count}']");
            }

            foreach (var subject in expected)
            {
                var (kind, id) = (subject.Split('/')[0], subject.Split('/')[1]);
                await page.ClickAsync($"#kinds button[data-kind='{kind}']");
                await page.WaitForSelectorAsync($"#entities tbody tr[data-kind='{kind}'][data-id='{id}']");
            }

            await page.WaitForFunctionAsync("() => document.querySelectorAll('#metric option').length >= 2");
            await page.WaitForSelectorAsync("#chart rect[data-bucket]");
            Assert.Empty(await page.EvaluateAsync<long[]>("() => window.__ep.seen('tenant')"));
            await page.ClickAsync("#kinds button[data-kind='order']");
            await page.ClickAsync("#entities tbody tr[data-id='42']");
            await page.WaitForFunctionAsync("() => document.querySelector('#entity-detail').textContent.includes('\"paid\"')");
            await page.WaitForSelectorAsync("#counters dd[data-counter='events applied']");
            // Every stage the stack timed for these events, from /metrics/latency.
            await page.WaitForSelectorAsync("#latency tbody tr[data-stage='push.arrivalToPost']");
            await page.WaitForSelectorAsync("#latency tbody tr[data-stage='kinesis.visible']");
            Assert.False(await page.IsHiddenAsync("#latency-panel"));
        });

        var shot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 0);
        if (Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1")
        {
            File.Copy(shot, Path.Combine(fx.Stack.RepoRoot, "docs", "dashboard.png"), overwrite: true);
        }
    }

    [ChromiumFact]
    public async Task Dashboard_EventsAndReconnect_ShowsEntitiesChartAndResumesWithoutGaps()
    {
        var tenant = LocalStackFixture.NewTenant("d");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = chromium.Page;
        await chromium.RunAsync("dashboard-resume", async () =>
        {
            await page.GotoAsync(fx.Stack.DashboardSignInUrl);
            await page.WaitForFunctionAsync("() => document.querySelector('#token').value.length > 20");
            Assert.Equal(fx.Stack.Endpoints.DemoTenant, await page.InputValueAsync("#tenant"));

            // Sign in as a fresh tenant through /dev/token.
            await page.FillAsync("#tenant", tenant);
            var demoToken = await page.InputValueAsync("#token");
            await page.ClickAsync("#get-token");
            await page.WaitForFunctionAsync("t => document.querySelector('#token').value !== t", demoToken);
            await page.ClickAsync("#sign-in");
            await page.WaitForFunctionAsync("t => document.querySelector('#signed-in-as').textContent.includes(t)", tenant);
            await page.WaitForSelectorAsync("#conn-state[data-state=open]");
            await page.WaitForFunctionAsync("() => window.__ep.lastSequence('tenant') !== undefined && window.__ep.lastSequence('metric/events') !== undefined");

            for (var i = 1; i <= 3; i++)
            {
                await PutAsync(tenant, $"live-{i}", $"order/{i}");
            }

            await page.WaitForSelectorAsync("#entities tbody tr[data-id='3']");
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('#chart rect[data-bucket]')].reduce((s, r) => s + Number(r.dataset.count), 0) === 3");
            Assert.Equal(3, await page.Locator("#entities tbody tr[data-kind=order]").CountAsync());
            Assert.Equal("order (3)", await page.TextContentAsync("#kinds button[data-kind=order]"));

            // Drop the socket; events keep flowing into the aggregates (and the change log) meanwhile.
            await page.EvaluateAsync("() => window.__ep.disconnect()");
            await page.WaitForSelectorAsync("#conn-state[data-state=closed]");
            var before = await page.EvaluateAsync<long>("() => window.__ep.lastSequence('tenant')");
            await PutAsync(tenant, "offline-1", "order/4");
            await PutAsync(tenant, "offline-2", "order/1");
            var latest = await WaitForChangesAsync(tenant, before);
            Assert.True(latest > before);
            Assert.Equal(3, await page.Locator("#entities tbody tr[data-kind=order]").CountAsync());

            // Resume: the client library re-subscribes with since = its last sequence and receives exactly what was missed.
            await page.EvaluateAsync("() => window.__ep.connect()");
            await page.WaitForSelectorAsync("#conn-state[data-state=open]");
            await page.WaitForSelectorAsync("#entities tbody tr[data-id='4']");
            await page.WaitForSelectorAsync("#entities tbody tr[data-id='1'][data-event-count='2']");
            await page.WaitForFunctionAsync("n => window.__ep.lastSequence('tenant') >= n", latest);
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('#chart rect[data-bucket]')].reduce((s, r) => s + Number(r.dataset.count), 0) === 5");
            Assert.Equal("order (4)", await page.TextContentAsync("#kinds button[data-kind=order]"));

            // Windows and totals of the offline events may publish in a later batch than the entities: settle on REST's latest.
            long final = 0;
            await LocalStackFixture.EventuallyAsync<object>(
                async () =>
                {
                    final = await LatestAsync(tenant);
                    return await page.EvaluateAsync<long>("() => window.__ep.lastSequence('tenant')") == final ? "same" : null;
                },
                "the page at the channel's latest sequence");
            var seen = await page.EvaluateAsync<long[]>("() => window.__ep.seen('tenant')");
            Assert.NotEmpty(seen);
            Assert.Equal(Enumerable.Range(0, seen.Length).Select(i => seen[0] + i), seen);
            Assert.Equal(final, seen[^1]);
            Assert.Contains(seen, s => s > before);
            Assert.Equal("0", await page.TextContentAsync("#channels tr[data-channel=tenant] td:nth-child(4)"));
            Assert.Equal(final.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("#channels tr[data-channel=tenant] td.seq"));
            await page.WaitForSelectorAsync("#counters dd[data-counter='events applied']");
        });
    }

    private async Task PutAsync(string tenant, string id, string subject) =>
        await fx.Kinesis.PutRecordAsync(
            fx.Stack.Settings.EventsStream,
            $"{tenant}:{subject}",
            LocalStackFixture.CloudEvent(tenant, id, subject, data: $$"""{"amount":{{id.Length}},"status":"{{id}}"}"""),
            CancellationToken.None);

    /// <summary>Posts a structured CloudEvent to the tenant's CloudEvents webhook, as the README's curl line does.</summary>
    private async Task PostCloudEventAsync(string tenant, byte[] body)
    {
        var signed = WebhookRequestBuilder.Build(
            fx.Stack.Sources["cloudevents"], tenant, body,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/cloudevents+json" },
            fx.Stack.WebhookSecrets.Signing["cloudevents"], fx.Stack.Endpoints.RestUrl, DateTimeOffset.UtcNow);
        using var response = await SignedWebhookPost.SendAsync(fx.Http, signed);
        Assert.Equal(202, (int)response.StatusCode);
    }

    /// <summary>Waits until the tenant channel's change log holds changes of <paramref name="entities"/> distinct entities.</summary>
    private async Task WaitForEntityChangesAsync(string tenant, int entities)
    {
        var token = fx.Stack.IssueToken(tenant);
        await LocalStackFixture.EventuallyAsync<object>(
            async () =>
            {
                var (status, body) = await fx.GetAsync("channels/tenant/changes?since=0&limit=1000", token);
                return status == 200 && body.GetProperty("changes").EnumerateArray()
                    .Select(c => c.GetProperty("data"))
                    .Where(d => d.GetProperty("kind").GetString() == "entity")
                    .Select(d => d.GetProperty("entity").GetRawText())
                    .Distinct()
                    .Count() >= entities ? "published" : null;
            },
            $"{entities} entities published");
    }

    /// <summary>Waits until the tenant channel's change log holds the offline entity changes; returns its latest sequence.</summary>
    private async Task<long> WaitForChangesAsync(string tenant, long since)
    {
        var token = fx.Stack.IssueToken(tenant);
        var latest = await LocalStackFixture.EventuallyAsync<object>(
            async () =>
            {
                var (status, body) = await fx.GetAsync($"channels/tenant/changes?since={since}", token);
                if (status != 200)
                {
                    return null;
                }

                var entities = body.GetProperty("changes").EnumerateArray()
                    .Select(c => c.GetProperty("data"))
                    .Where(d => d.GetProperty("kind").GetString() == "entity")
                    .Select(d => (Id: d.GetProperty("entity").GetProperty("id").GetString(), Count: d.GetProperty("eventCount").GetInt64()))
                    .ToList();
                return entities.Contains(("4", 1)) && entities.Contains(("1", 2)) ? (object)body.GetProperty("latest").GetInt64() : null;
            },
            "the offline changes in the change log");
        return (long)latest;
    }

    /// <summary>The tenant channel's latest sequence over REST.</summary>
    private async Task<long> LatestAsync(string tenant)
    {
        var (_, body) = await fx.GetAsync("channels/tenant/changes?since=0&limit=1", fx.Stack.IssueToken(tenant));
        return body.GetProperty("latest").GetInt64();
    }
}
