using System.CommandLine;
using System.Text.Json;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.Load;

namespace EventPipeline.Local;

/// <summary><c>load</c>: drive a running stack at a fixed rate and report throughput, latency, loss and cost.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var rate = new Option<int?>("--rate") { Description = "Events per second of the latency phase (default: half the kinesis-mock ceiling measured in the run)" };
        var throughputRate = new Option<int?>("--throughput-rate") { Description = "Events per second offered in the throughput phase (default: the kinesis-mock ceiling; 0 skips it)" };
        var duration = new Option<int>("--duration") { Description = "Seconds each phase sends for", DefaultValueFactory = _ => 60 };
        var tenants = new Option<int>("--tenants") { Description = "Tenants (one WebSocket client each, subscribed to 'tenant')", DefaultValueFactory = _ => 3 };
        var sources = new Option<string>("--sources") { Description = "Comma-separated sources to generate: cloudevents, github", DefaultValueFactory = _ => "cloudevents,github" };
        var kpl = new Option<bool>("--kpl") { Description = "KPL-aggregate the records of each tenant per 50 ms tick" };
        var command = new Command("load", "Load-test a running local stack (.eventpipeline/endpoints.json): the emulators' ceiling and floor, then a latency phase (per-stage p50/p90/p99/max) and a throughput phase, loss check, cost per million events.")
        {
            rate, throughputRate, duration, tenants, sources, kpl,
        };
        command.SetAction(async (parse, ct) =>
        {
            var list = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.Length == 0 || list.Any(s => !LoadEvents.Sources.Contains(s)))
            {
                Console.Error.WriteLine("error: --sources must list cloudevents and/or github");
                return 2;
            }

            if (parse.GetValue(rate) is < 1 || parse.GetValue(throughputRate) is < 0 || parse.GetValue(duration) < 1 || parse.GetValue(tenants) < 1)
            {
                Console.Error.WriteLine("error: --rate, --duration and --tenants must be at least 1, --throughput-rate at least 0");
                return 2;
            }

            var file = Path.Combine(EmulatorInstaller.FindRepoRoot(), ".eventpipeline", "endpoints.json");
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"error: {file} not found: start the stack first (dotnet run --project src/EventPipeline.Local)");
                return 1;
            }

            var endpoints = JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, ct), LocalJsonContext.Default.LocalEndpoints)!;
            var runner = new LoadRunner(endpoints, new LoadOptions(parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(tenants), list, parse.GetValue(kpl), parse.GetValue(throughputRate)));
            return await runner.RunAsync(ct);
        });
        return command;
    }
}
