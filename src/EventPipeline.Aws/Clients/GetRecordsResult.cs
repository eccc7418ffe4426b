namespace EventPipeline.Aws.Clients;

/// <summary>NextShardIterator is null when the shard is closed and fully read.</summary>
public sealed record GetRecordsResult(IReadOnlyList<KinesisRecord> Records, string? NextShardIterator, long MillisBehindLatest);
