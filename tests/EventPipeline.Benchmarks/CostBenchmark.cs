using System.Globalization;
using EventPipeline.Local.Load;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>cost [--batch-ms N] [--batch-size N] [--memory-mb N] [--event-bytes N] [--writes-per-event X] [--pushes-per-event X]</c>:
/// AWS cost per million events from measured figures (defaults: this machine's coldstart and load runs; pass your own).
/// </summary>
internal static class CostBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        double D(string name, double fallback)
        {
            var v = ColdStartBenchmark.StringArg(args, name);
            return v is null ? fallback : double.Parse(v, CultureInfo.InvariantCulture);
        }

        var inputs = new CostInputs(
            BatchSize: (int)D("--batch-size", 100),
            BatchDurationMs: D("--batch-ms", 150),
            MemoryMb: (int)D("--memory-mb", 256),
            EventBytes: D("--event-bytes", 450),
            WritesPerEvent: D("--writes-per-event", 2.0),
            PushesPerEvent: D("--pushes-per-event", 1.0),
            PublishBatchDurationMs: D("--publish-batch-ms", 50),
            PublishBatchSize: (int)D("--publish-batch-size", 100));
        Console.Write(CostModel.Format(inputs));
        return Task.FromResult(0);
    }
}
