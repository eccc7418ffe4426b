using System.Globalization;

namespace EventPipeline.Local.Load;

/// <summary>
/// The two lines a <c>load</c> run ends with (issue 17's exact forms) and whether they meet its targets: in the low
/// latency mode p50 ≤ 2 × the floor's p50 and p99 ≤ 500 ms; in the default mode p50 ≤ the batching window + 300 ms;
/// kept ≥ 80 % of the kinesis-mock ceiling with nothing lost.
/// </summary>
/// <param name="Mode"><c>low</c> or <c>default</c>.</param>
/// <param name="BatchingWindowSeconds">The Ingest mapping's batching window.</param>
/// <param name="P50">End-to-end median of the latency phase (ms).</param>
/// <param name="P99">End-to-end 99th percentile of the latency phase (ms).</param>
/// <param name="FloorP50">The floor's median (ms).</param>
/// <param name="Offered">Events per second the stream took from the producer in the throughput phase (its events ÷ first put → last put; below the due rate when the stream could not keep up).</param>
/// <param name="Kept">Events per second the pipeline delivered in it (first put → last push).</param>
/// <param name="Ceiling">kinesis-mock's ceiling (records per second).</param>
/// <param name="Lost">Events put and neither aggregated nor dead-lettered, over the whole run.</param>
public sealed record LoadVerdict(string Mode, int BatchingWindowSeconds, double P50, double P99, double FloorP50, double Offered, double Kept, double Ceiling, long Lost)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>p50 over the floor's p50.</summary>
    public double Ratio => FloorP50 > 0 ? P50 / FloorP50 : double.NaN;

    /// <summary>Whether the latency phase meets its mode's target.</summary>
    public bool LatencyMet => Mode == "low" ? Ratio <= 2 && P99 <= 500 : P50 <= (BatchingWindowSeconds * 1000) + 300;

    /// <summary>Whether the throughput phase meets its target.</summary>
    public bool ThroughputMet => Kept >= 0.8 * Ceiling && Lost == 0;

    /// <summary><c>latency mode=&lt;low|default&gt; p50=&lt;ms&gt; p99=&lt;ms&gt; floor-p50=&lt;ms&gt; ratio=&lt;x.xx&gt;</c></summary>
    public string LatencyLine => string.Format(Inv, "latency mode={0} p50={1:F0} p99={2:F0} floor-p50={3:F0} ratio={4:F2}", Mode, P50, P99, FloorP50, Ratio);

    /// <summary><c>throughput offered=&lt;n&gt;/s kept=&lt;n&gt;/s ceiling=&lt;n&gt;/s lost=&lt;n&gt;</c></summary>
    public string ThroughputLine => string.Format(Inv, "throughput offered={0:F0}/s kept={1:F0}/s ceiling={2:F0}/s lost={3}", Offered, Kept, Ceiling, Lost);

    /// <summary>The targets, each with its numbers and met / not met.</summary>
    public string TargetsLine => Mode == "low"
        ? string.Format(Inv, "targets: p50 ≤ 2 × floor p50 ({0:F0} ms) and p99 ≤ 500 ms: {1}; kept ≥ 80 % of the ceiling ({2:F0}/s), 0 lost: {3}", 2 * FloorP50, Met(LatencyMet), 0.8 * Ceiling, Met(ThroughputMet))
        : string.Format(Inv, "targets: p50 ≤ batching window + 300 ms ({0} ms): {1}; kept ≥ 80 % of the ceiling ({2:F0}/s), 0 lost: {3}", (BatchingWindowSeconds * 1000) + 300, Met(LatencyMet), 0.8 * Ceiling, Met(ThroughputMet));

    private static string Met(bool met) => met ? "met" : "NOT met";
}
