using System.Globalization;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// The per-stage table of a phase: the stages between the push trace's stamps (per event, from the clients), each
/// split by what the stack itself timed over the phase (its mappings and the Ingest function), with p50/p90/p99/max and
/// each top-level stage's share of the mean end-to-end time (means add up; percentiles do not).
/// </summary>
public static class LoadReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the table to <paramref name="output"/>; returns the top-level stage with the largest share.</summary>
    public static string WriteStages(TextWriter output, PhaseStages phase, IReadOnlyDictionary<string, StageSummary> stack)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(stack);
        var total = phase.EndToEnd.Total();
        output.WriteLine(string.Format(Inv, "  {0,-58} {1,8} {2,8} {3,8} {4,8} {5,6}  {6}", "stage (ms)", "p50", "p90", "p99", "max", "share", "timed by"));
        var top = new List<(string Name, StageSummary Summary)>();
        void Top(string name, StageHistogram histogram, string by)
        {
            var s = histogram.Total();
            top.Add((name, s));
            Row(output, name, s, total.Mean > 0 ? s.Mean / total.Mean : double.NaN, by);
        }

        void Sub(string name, PipelineStage stage)
        {
            if (stack.TryGetValue(stage.Name, out var s) && s.Count > 0)
            {
                Row(output, "  · " + name, s, double.NaN, stage.ObservedBy);
            }
        }

        Top("producer put → Kinesis arrival", phase.Put, "client + arrival stamp");
        Top("Kinesis arrival → Ingest started", phase.StreamToIngest, "push trace");
        Sub("arrival → read by the Kinesis mapping", PipelineStages.KinesisVisible);
        Sub("read → Ingest invoked (batching window)", PipelineStages.KinesisBatching);
        Top("Ingest started → entity write sent", phase.Ingest, "push trace");
        Sub("adapt (per batch)", PipelineStages.IngestAdapt);
        Sub("item reads (per batch)", PipelineStages.IngestRead);
        Sub("dedup: entity claims (per batch)", PipelineStages.IngestDedup);
        Sub("write: metric items (per batch)", PipelineStages.IngestWrite);
        Top("entity write sent → Publish started", phase.WriteToPublish, "push trace");
        Sub("write sent → stream record read by the mapping", PipelineStages.StreamVisible);
        Sub("read → Publish invoked", PipelineStages.StreamBatching);
        Top("Publish started → PostToConnection sent", phase.Publish, "push trace");
        Top("PostToConnection sent → client received", phase.Deliver, "push trace + client");
        Sub("the PostToConnection call", PipelineStages.Post);
        Row(output, "end to end: producer put → client received", total, 1, "client");
        return top.OrderByDescending(t => t.Summary.Mean).First().Name;
    }

    /// <summary>Writes the floor and the phase's end-to-end latency beside it as ratios.</summary>
    public static void WriteFloor(TextWriter output, FloorMeasurement floor, StageSummary endToEnd, int samples)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(floor);
        ArgumentNullException.ThrowIfNull(endToEnd);
        output.WriteLine(string.Format(Inv, "floor: the emulators alone, {0} samples each (ms)              {1,8} {2,8} {3,8} {4,8}", samples, "p50", "p90", "p99", "max"));
        Row(output, "kinesis-mock: PutRecord → GetRecords returns it", floor.KinesisVisibility, double.NaN, "emulator port");
        Row(output, "DynamoDB Local: UpdateItem → its stream record", floor.StreamVisibility, double.NaN, "emulator port");
        Row(output, "gateway: WebSocket ping → pong", floor.WebSocketRoundTrip, double.NaN, "gateway (Connections route)");
        output.WriteLine(string.Format(Inv, "  floor (sum of the three): p50 {0:F1} ms, p99 {1:F1} ms; pipeline p50 {2:F1} ms = {3:F2}× floor p50, p99 {4:F1} ms = {5:F2}× floor p99",
            floor.P50, floor.P99, endToEnd.P50, endToEnd.P50 / floor.P50, endToEnd.P99, endToEnd.P99 / floor.P99));
    }

    private static void Row(TextWriter output, string name, StageSummary s, double share, string by) =>
        output.WriteLine(string.Format(Inv, "  {0,-58} {1,8:F1} {2,8:F1} {3,8:F1} {4,8:F1} {5,6}  {6}",
            name, s.P50, s.P90, s.P99, s.Max, double.IsNaN(share) ? "" : share.ToString("P0", Inv), by));
}
