using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Query;

/// <summary>A metric's total and its windows of one granularity in a range of buckets.</summary>
public sealed record MetricWindows(string Metric, Granularity Granularity, DateTimeOffset From, DateTimeOffset To, StoredAggregate Total, IReadOnlyList<StoredAggregate> Windows);
