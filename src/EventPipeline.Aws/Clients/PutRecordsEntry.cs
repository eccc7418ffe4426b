namespace EventPipeline.Aws.Clients;

public sealed record PutRecordsEntry(string PartitionKey, ReadOnlyMemory<byte> Data);
