using HdrHistogram;

namespace EventPipeline.Local.Latency;

/// <summary>A stage's latency distribution in milliseconds.</summary>
/// <param name="Count">Values recorded.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Mean">Mean (what a stage's share of the end-to-end time is computed from: means add up, percentiles do not).</param>
public sealed record StageSummary(long Count, double P50, double P90, double P99, double Max, double Mean)
{
    /// <summary>Nothing recorded.</summary>
    public static StageSummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>The summary of a histogram of microseconds.</summary>
    public static StageSummary Of(HistogramBase microseconds)
    {
        ArgumentNullException.ThrowIfNull(microseconds);
        return microseconds.TotalCount == 0
            ? Empty
            : new StageSummary(
                microseconds.TotalCount,
                microseconds.GetValueAtPercentile(50) / 1000.0,
                microseconds.GetValueAtPercentile(90) / 1000.0,
                microseconds.GetValueAtPercentile(99) / 1000.0,
                microseconds.GetMaxValue() / 1000.0,
                microseconds.GetMean() / 1000.0);
    }
}
