namespace EventPipeline.Local.Load;

/// <summary>The emulators' raw throughput, measured in the run that uses it.</summary>
/// <param name="KinesisRecordsPerSecond">kinesis-mock: records accepted per second (PutRecords of 500 × 800 B, back to back).</param>
/// <param name="DynamoDbUpdatesPerSecond">DynamoDB Local: UpdateItem per second (8 in flight).</param>
public sealed record CeilingMeasurement(double KinesisRecordsPerSecond, double DynamoDbUpdatesPerSecond);
