namespace EventPipeline.Application.Ports;

/// <summary>One page of aggregates and where the next page starts (null: this was the last).</summary>
public sealed record AggregatePage(IReadOnlyList<StoredAggregate> Items, string? NextAfter);
