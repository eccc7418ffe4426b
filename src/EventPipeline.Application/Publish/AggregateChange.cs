using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Publish;

/// <summary>An aggregate's state after a write, with the item version that write produced.</summary>
public sealed record AggregateChange(AggregateState State, long Version);
