namespace EventPipeline.Application.Ports;

/// <summary>A metric's total and windows in a range, as read.</summary>
/// <param name="Total">The all-time total (its version is the metric item's).</param>
/// <param name="Windows">The windows in bucket order: live ones from the metric item, the rest from their evicted items.</param>
public sealed record StoredMetric(StoredAggregate Total, IReadOnlyList<StoredAggregate> Windows);
