namespace EventPipeline.Aws.Clients;

/// <summary>
/// The Kinesis Data Streams calls the pipeline makes (JSON 1.1, target <c>Kinesis_20131202.*</c>).
/// Our own because AWSSDK.Kinesis is not served by the registry here; method and field names follow the
/// AWS API so the official client can replace this behind the same interface.
/// </summary>
public interface IKinesisClient
{
    Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken);

    Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken);

    Task<PutRecordResult> PutRecordAsync(string streamName, string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>PutRecords (≤ 500 records); per-record failures are in the result, not thrown.</summary>
    Task<PutRecordsResult> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken);

    Task<IReadOnlyList<Shard>> ListShardsAsync(string streamName, CancellationToken cancellationToken);

    /// <summary>iteratorType: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER.</summary>
    Task<string> GetShardIteratorAsync(string streamName, string shardId, string iteratorType, string? startingSequenceNumber, CancellationToken cancellationToken);

    Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken);
}
