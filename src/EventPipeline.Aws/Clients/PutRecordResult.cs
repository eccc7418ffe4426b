namespace EventPipeline.Aws.Clients;

public sealed record PutRecordResult(string ShardId, string SequenceNumber);
