using System.CommandLine;
using EventPipeline.Local.Load;

namespace EventPipeline.Local.Cli;

/// <summary><c>load</c>: drive a running stack at a fixed rate and report throughput, latency, loss and cost.</summary>
internal static class LoadCommand
{
    /// <summary>The verb, reading the running stack's endpoints file.</summary>
    public static Command Create() => Create(() => LocalEndpoints.Load());

    /// <summary>The verb over <paramref name="endpoints"/> (tests hand it a stack's endpoints).</summary>
    public static Command Create(Func<LocalEndpoints> endpoints)
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
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async _ =>
        {
            var list = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.Length == 0 || list.Any(s => !LoadEvents.Sources.Contains(s)))
            {
                throw new CliException("--sources must list cloudevents and/or github");
            }

            if (parse.GetValue(rate) is < 1 || parse.GetValue(throughputRate) is < 0 || parse.GetValue(duration) < 1 || parse.GetValue(tenants) < 1)
            {
                throw new CliException("--rate, --duration and --tenants must be at least 1, --throughput-rate at least 0");
            }

            // A file left by a stack that stopped fails on the first call, as "the stack does not answer".
            var runner = new LoadRunner(endpoints(), new LoadOptions(parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(tenants), list, parse.GetValue(kpl), parse.GetValue(throughputRate)));
            return await runner.RunAsync(ct);
        }));
        return command;
    }
}
