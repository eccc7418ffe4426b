using EventPipeline.Local.Tests.Integration;
using Microsoft.Playwright;

namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>A fact that needs Debian's chromium at <see cref="Path"/> (apt-get install chromium).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"{Path} is missing: install Debian's chromium (apt-get install -y chromium) to run the dashboard browser test";
        }
    }
}

/// <summary>The dashboard in a real headless browser against the shared local stack.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class DashboardBrowserTests(LocalStackFixture fx)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [ChromiumFact]
    public async Task Dashboard_EventsAndReconnect_ShowsEntitiesChartAndResumesWithoutGaps()
    {
        var tenant = LocalStackFixture.NewTenant("d");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Path,
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var console = new List<string>();
        page.Console += (_, m) => { lock (console) { console.Add($"{m.Type}: {m.Text}"); } };
        page.PageError += (_, e) => { lock (console) { console.Add("pageerror: " + e); } };
        page.SetDefaultTimeout(30_000);

        try
        {
            await page.GotoAsync(fx.Stack.DashboardSignInUrl);
            // Prefilled with the demo token from /dev/token, asked for with the admin token the URL's fragment carried.
            await page.WaitForFunctionAsync("() => document.querySelector('#token').value.length > 20");
            Assert.Equal(fx.Stack.Endpoints.DemoTenant, await page.InputValueAsync("#tenant"));

            // Sign in as a fresh tenant through /dev/token.
            await page.FillAsync("#tenant", tenant);
            var demoToken = await page.InputValueAsync("#token");
            await page.ClickAsync("#get-token");
            await page.WaitForFunctionAsync("t => document.querySelector('#token').value !== t", demoToken);
            await page.ClickAsync("#sign-in");
            await page.WaitForSelectorAsync("#conn-state[data-state=open]");
            await page.WaitForFunctionAsync("() => window.__ep.lastSequence('tenant') !== undefined && window.__ep.lastSequence('metric/events') !== undefined");
            Assert.Contains(tenant, await page.TextContentAsync("#signed-in-as"), StringComparison.Ordinal);

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

            // Resume: the page re-subscribes with since = its last sequence and receives exactly what it missed.
            await page.EvaluateAsync("() => window.__ep.connect()");
            await page.WaitForSelectorAsync("#conn-state[data-state=open]");
            await page.WaitForSelectorAsync("#entities tbody tr[data-id='4']");
            await page.WaitForSelectorAsync("#entities tbody tr[data-id='1'][data-event-count='2']");
            await page.WaitForFunctionAsync("n => window.__ep.lastSequence('tenant') >= n", latest);
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('#chart rect[data-bucket]')].reduce((s, r) => s + Number(r.dataset.count), 0) === 5");

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
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-failed.png"), FullPage = true });
            string log;
            lock (console)
            {
                log = string.Join("\n", console.TakeLast(30));
            }

            throw new InvalidOperationException($"{ex.Message}\nbrowser console:\n{log}", ex);
        }

        await page.ClickAsync("#entities tbody tr[data-id='1']");
        var shot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 0);
    }

    private async Task PutAsync(string tenant, string id, string subject) =>
        await fx.Kinesis.PutRecordAsync(
            fx.Stack.Settings.EventsStream,
            $"{tenant}:{subject}",
            LocalStackFixture.CloudEvent(tenant, id, subject, data: $$"""{"amount":{{id.Length}},"status":"{{id}}"}"""),
            CancellationToken.None);

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
