namespace EventPipeline.Aws.Clients;

public sealed record Shard(string ShardId, string StartingSequenceNumber, string? EndingSequenceNumber);
