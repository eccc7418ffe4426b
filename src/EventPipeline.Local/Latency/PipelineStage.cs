namespace EventPipeline.Local.Latency;

/// <summary>A named stage of an event's way from the producer to the browser.</summary>
/// <param name="Name">Stable key (<c>/metrics/latency</c>, the dashboard, <c>load</c>).</param>
/// <param name="Description">What is timed, from which stamp to which.</param>
/// <param name="ObservedBy">Who takes the stamps: the push trace (functions, also in AWS), a local mapping, the client.</param>
public sealed record PipelineStage(string Name, string Description, string ObservedBy);
