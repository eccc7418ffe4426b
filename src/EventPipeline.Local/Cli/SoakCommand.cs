using System.CommandLine;
using EventPipeline.Local.Load;

namespace EventPipeline.Local.Cli;

/// <summary><c>soak</c>: a long load on a stack of its own, with a stalled client and a DynamoDB Local SIGKILL halfway.</summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var duration = new Option<int>("--duration") { Description = "Seconds to send for (DynamoDB Local is killed halfway)", DefaultValueFactory = _ => 600 };
        var tenants = new Option<int>("--tenants") { Description = "Tenants with a reading client (one more tenant's client never reads)", DefaultValueFactory = _ => 4 };
        var rate = new Option<int?>("--rate") { Description = "Events per second (default: half the emulator ceiling measured at the start: the lower of kinesis-mock's records/s and DynamoDB Local's UpdateItem/s over the 3 writes each event needs)" };
        var sources = new Option<string>("--sources") { Description = "Comma-separated sources to generate: cloudevents, github", DefaultValueFactory = _ => "cloudevents,github" };
        var latency = new Option<LatencyMode>("--latency") { Description = "The latency mode of the soak's stack (low or default)", DefaultValueFactory = _ => LatencyMode.Default };
        var command = new Command("soak", "Start a stack of its own and soak it: steady load at half the emulator ceiling across tenants, one stalled WebSocket client, DynamoDB Local SIGKILLed halfway; ends with 0 lost, 0 double-counted and each tenant's p99 push latency.")
        {
            duration, tenants, rate, sources, latency,
        };
        command.SetAction(async (parse, ct) =>
        {
            var list = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.Length == 0 || list.Any(s => !LoadEvents.Sources.Contains(s)))
            {
                Console.Error.WriteLine("error: sources: must list cloudevents and/or github");
                return 2;
            }

            if (parse.GetValue(duration) < 10 || parse.GetValue(tenants) < 1 || parse.GetValue(rate) is < 1)
            {
                Console.Error.WriteLine("error: duration: at least 10 s; tenants and rate: at least 1");
                return 2;
            }

            if (!OperatingSystem.IsLinux())
            {
                Console.Error.WriteLine("error: soak: Linux only (it finds the emulator to kill through /proc)");
                return 2;
            }

            var runner = new SoakRunner(new SoakOptions(parse.GetValue(duration), parse.GetValue(tenants), list, parse.GetValue(latency), parse.GetValue(rate)), Console.Out);
            return await runner.RunAsync(ct);
        });
        return command;
    }
}
