namespace EventPipeline.Local.EventSources;

/// <summary>
/// How often Lambda reads an idle shard, by source kind (AWS Lambda developer guide: "Lambda polls each shard in your
/// Kinesis stream for records at a base rate of once per second"; DynamoDB streams "at a base rate of 4 times per
/// second"; an enhanced fan-out consumer has records pushed over HTTP/2 as they arrive). The local mappings follow these
/// unless <c>up --poll-interval</c> overrides them for development.
/// </summary>
public static class MappingCadence
{
    /// <summary>A Kinesis mapping on the stream (standard iterator): once a second per shard.</summary>
    public static TimeSpan KinesisStream { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A Kinesis mapping on an enhanced fan-out consumer: reads are woken by every put through the local AWS endpoint
    /// (<see cref="RecordsPutSignal"/>); this is the fallback for records put straight onto kinesis-mock's own port.
    /// kinesis-mock serves SubscribeToShard, but it pushes once a second (measured), slower than AWS's push.
    /// </summary>
    public static TimeSpan KinesisConsumerFallback { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A DynamoDB Streams mapping: four times a second per shard.</summary>
    public static TimeSpan DynamoDbStream { get; } = TimeSpan.FromMilliseconds(250);
}
