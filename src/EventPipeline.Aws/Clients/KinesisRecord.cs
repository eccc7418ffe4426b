namespace EventPipeline.Aws.Clients;

public sealed record KinesisRecord(string SequenceNumber, string PartitionKey, byte[] Data, DateTimeOffset ApproximateArrivalTimestamp);
