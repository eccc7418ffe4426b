namespace EventPipeline.Benchmarks;

/// <summary>
/// Benchmark commands: <c>dotnet run -c Release --project tests/EventPipeline.Benchmarks -- &lt;name&gt; [options]</c>.
/// Each prints its figures next to a baseline measured in the same run.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var benchmarks = new Dictionary<string, (string Description, Func<string[], Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
        {
            // Each benchmark registers itself here with one line.
            ["coalescing"] = ("write/read units per event as billed at batch 1, 5, 100, 1000 vs one UpdateItem per event per key", CoalescingBenchmark.RunAsync),
            ["smoke"] = ("Run a published Ingest bootstrap once against a local Runtime API (CI)", SmokeBenchmark.RunAsync),
            ["throughput"] = ("CPU: decode → adapt → aggregate per core vs JsonDocument.Parse (BenchmarkDotNet)", ThroughputBenchmark.RunAsync),
            ["cost"] = ("AWS cost per million events at batch 5 and 1,000, per service, from measured WRU, RRU, batch duration and pushes", CostBenchmark.RunAsync),
            ["coldstart"] = ("Cold start of the Ingest process: Native AOT vs JIT, peak RSS", ColdStartBenchmark.RunAsync),
            ["kinesis-fill"] = ("kinesis-mock alone: its put rate and CPU per record as a stream's shards fill", KinesisFillBenchmark.RunAsync),
        };

        if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
        {
            Console.Error.WriteLine("usage: EventPipeline.Benchmarks <name> [options]");
            foreach (var (name, b) in benchmarks.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                Console.Error.WriteLine($"  {name,-12} {b.Description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        return await benchmark.Run(args[1..]);
    }
}
