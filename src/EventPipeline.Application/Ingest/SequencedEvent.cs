using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ingest;

/// <summary>An event with where it sits in its shard.</summary>
/// <param name="Event">The canonical event.</param>
/// <param name="ShardId">The Kinesis shard it was read from.</param>
/// <param name="Position">Its position in the shard (sequence, KPL sub-record, fan-out index).</param>
/// <param name="ArrivedAt">When its record reached the stream. Lateness is judged at this instant rather than at processing
/// time, so a redelivery hours later decides every key of the event the same way as the first attempt did.</param>
public sealed record SequencedEvent(CanonicalEvent Event, string ShardId, StreamPosition Position, DateTimeOffset? ArrivedAt = null)
{
    /// <summary>The context this event is folded with: <paramref name="batch"/> with now = its arrival, when known.</summary>
    public AggregationContext ContextFor(AggregationContext batch) => ArrivedAt is { } a ? batch with { Now = a } : batch;
}
