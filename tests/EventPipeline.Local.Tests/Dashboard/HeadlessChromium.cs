using Microsoft.Playwright;

namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (no browser download), with one page whose console and errors are
/// kept for the failure message of a test.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _console = [];

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, m) => { lock (_console) { _console.Add($"{m.Type}: {m.Text}"); } };
        page.PageError += (_, e) => { lock (_console) { _console.Add("pageerror: " + e); } };
        page.SetDefaultTimeout(30_000);
    }

    public IPage Page { get; }

    /// <summary>The last lines the page logged (console and uncaught errors).</summary>
    public string ConsoleTail
    {
        get
        {
            lock (_console)
            {
                return string.Join("\n", _console.TakeLast(30));
            }
        }
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.Path, Headless = true, Args = Args });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        return new HeadlessChromium(playwright, browser, page);
    }

    /// <summary>Runs <paramref name="test"/>; on failure keeps a screenshot next to the test binary and adds the page's console to the message.</summary>
    public async Task RunAsync(string name, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, name + "-failed.png"), FullPage = true });
            throw new InvalidOperationException($"{ex.Message}\nbrowser console:\n{ConsoleTail}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
