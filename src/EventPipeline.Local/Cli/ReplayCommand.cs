using System.CommandLine;
using Spectre.Console;

namespace EventPipeline.Local.Cli;

/// <summary><c>replay &lt;folder&gt;</c>: sends every sample of a source folder (or of every folder under events/sources).</summary>
internal static class ReplayCommand
{
    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var folder = new Argument<string>("folder")
        {
            Description = "A folder of samples (events/sources/github), a source name (github), or 'all' for every folder under events/sources",
            DefaultValueFactory = _ => "all",
        };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant in the webhook URLs (default: the stack's demo tenant)" };
        var command = new Command("replay", "Send every sample in a folder to the running stack's webhooks, with progress") { folder, tenant };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            var samples = Folders(s.RepoRoot, parse.GetValue(folder)!).SelectMany(Sample.InFolder).ToList();
            if (samples.Count == 0)
            {
                throw new CliException($"folder: no .body samples in '{parse.GetValue(folder)}'");
            }

            var t = parse.GetValue(tenant) ?? s.Endpoints.DemoTenant;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var results = new List<(Sample Sample, int Status)>();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            if (console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && output == Console.Out)
            {
                await console.Progress().StartAsync(async p =>
                {
                    var task = p.AddTask($"replaying {samples.Count} samples", maxValue: samples.Count);
                    foreach (var sample in samples)
                    {
                        task.Description = $"{sample.Source}/{sample.Case}";
                        results.Add((sample, (await SendCommand.SendAsync(s, http, sample, t, ct)).Status));
                        task.Increment(1);
                    }
                });
            }
            else
            {
                // Redirected output (CI, tests): one plain line per sample instead of a live bar.
                var i = 0;
                foreach (var sample in samples)
                {
                    var status = (await SendCommand.SendAsync(s, http, sample, t, ct)).Status;
                    results.Add((sample, status));
                    await output.WriteLineAsync($"[{++i}/{samples.Count}] {status} {sample.Source}/{sample.Case}");
                }
            }

            var accepted = results.Count(r => r.Status is >= 200 and < 300);
            await output.WriteLineAsync($"replayed {results.Count} samples to tenant '{t}': {accepted} accepted, {results.Count - accepted} refused");
            foreach (var (sample, status) in results.Where(r => r.Status is < 200 or >= 300))
            {
                await output.WriteLineAsync($"  refused {status}: {sample.Source}/{sample.Case}");
            }

            // Samples of bad signatures are meant to be refused; only server errors make the run fail.
            return results.Any(r => r.Status >= 500) ? 1 : 0;
        }));
        return command;
    }

    private static IEnumerable<string> Folders(string repoRoot, string folder)
    {
        var sources = Path.Combine(repoRoot, "events", "sources");
        if (folder == "all")
        {
            return Directory.Exists(sources) ? Directory.EnumerateDirectories(sources).Order(StringComparer.Ordinal) : [];
        }

        if (Directory.Exists(folder))
        {
            var sub = Directory.EnumerateDirectories(folder).Where(d => Directory.EnumerateFiles(d, "*.body").Any()).Order(StringComparer.Ordinal).ToList();
            return Directory.EnumerateFiles(folder, "*.body").Any() ? [folder] : sub;
        }

        if (Directory.Exists(Path.Combine(sources, folder)))
        {
            return [Path.Combine(sources, folder)];
        }

        throw new CliException($"folder: '{folder}' is neither a folder nor a source under {sources}");
    }
}
