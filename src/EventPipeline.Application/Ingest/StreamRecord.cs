namespace EventPipeline.Application.Ingest;

/// <summary>One record of a stream batch, as the ingest use case needs it (no transport types).</summary>
/// <param name="ShardId">The shard it was read from.</param>
/// <param name="SequenceNumber">Its sequence number in that shard.</param>
/// <param name="PartitionKey">The producer's partition key (kept for redrive).</param>
/// <param name="Data">The record bytes as put (an ingest envelope, a CloudEvent or a KPL aggregate).</param>
/// <param name="ArrivedAt">When the stream accepted it; null when unknown.</param>
/// <param name="EventSourceArn">The stream's ARN, for dead letters.</param>
public sealed record StreamRecord(string ShardId, string SequenceNumber, string PartitionKey, byte[] Data, DateTimeOffset? ArrivedAt, string? EventSourceArn);
