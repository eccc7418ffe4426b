namespace EventPipeline.Local.Latency;

/// <summary>One stage in <c>/metrics/latency</c>.</summary>
/// <param name="Name">The stage key (<see cref="PipelineStages"/>).</param>
/// <param name="Description">What is timed.</param>
/// <param name="ObservedBy">Who takes the stamps.</param>
/// <param name="Recent">The last minute.</param>
/// <param name="Total">Since the stack started.</param>
/// <param name="Histogram">The since-start histogram (microseconds, HdrHistogram compressed, base64) when asked for.</param>
public sealed record StageLatency(string Name, string Description, string ObservedBy, StageSummary Recent, StageSummary Total, string? Histogram);
