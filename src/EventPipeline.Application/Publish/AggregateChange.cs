using EventPipeline.Application.Tracing;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Publish;

/// <summary>An aggregate's state after a write, with the item version that write produced.</summary>
public sealed record AggregateChange(AggregateState State, long Version)
{
    /// <summary>Where the write's oldest new event came from (entity items written by Ingest); null when untraced.</summary>
    public EventTrace? Trace { get; init; }
}
