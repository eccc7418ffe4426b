using System.Globalization;
using EventPipeline.Local.Load;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>cost [--wru-5 X] [--rru-5 X] [--ms-5 N] [--publish-wru-5 X] [--publish-rru-5 X] [--bus-events-5 X] [… the same with -1000] [--memory-mb N] [--event-bytes N] [--pushes-per-event X]</c>:
/// AWS cost per million events at batch 5 (the seeds' volume: a few events per 1 s batching window) and at batch 1,000,
/// per service. Defaults are this machine's <c>coalescing</c> run of 2026-12-01: write units per event; read units of a
/// cold function instance (every item read once, the warm cache's lower figure not assumed); batch duration = batch
/// size ÷ pipeline events/s on DynamoDB Local. Pass your own.
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

        var memory = (int)D("--memory-mb", 256);
        var eventBytes = D("--event-bytes", 450);
        var pushes = D("--pushes-per-event", 1.0);
        // Publish's capacity and the bus events: the publish-per-event lines of the same coalescing run (wru, rru, changes).
        foreach (var (batch, wru, rru, ms, publishWru, publishRru, busEvents) in new[]
        {
            (5, D("--wru-5", 1.71), D("--rru-5", 1.36), D("--ms-5", 4), D("--publish-wru-5", 3.17), D("--publish-rru-5", 0.40), D("--bus-events-5", 2.40)),
            (1000, D("--wru-1000", 0.41), D("--rru-1000", 0.41), D("--ms-1000", 170), D("--publish-wru-1000", 1.18), D("--publish-rru-1000", 0.21), D("--bus-events-1000", 0.54)),
        })
        {
            Console.WriteLine($"batch {batch}:");
            Console.Write(CostModel.Format(new CostInputs(
                BatchSize: batch,
                BatchDurationMs: ms,
                MemoryMb: memory,
                EventBytes: eventBytes,
                WriteUnitsPerEvent: wru,
                ReadUnitsPerEvent: rru,
                PushesPerEvent: pushes,
                PublishBatchDurationMs: D("--publish-batch-ms", 50),
                PublishBatchSize: (int)D("--publish-batch-size", 100),
                PublishWriteUnitsPerEvent: publishWru,
                PublishReadUnitsPerEvent: publishRru,
                BusEventsPerEvent: busEvents)));
            Console.WriteLine();
        }

        return Task.FromResult(0);
    }
}
