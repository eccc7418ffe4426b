using EventPipeline.Aws.Clients;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// DynamoDB Streams (JSON 1.0, target <c>DynamoDBStreams_20120810.*</c>, signing name <c>dynamodb</c>), used by the
/// local stack's stream poller; in AWS the event source mapping reads the stream. AWSSDK v4 moved this client
/// out of AWSSDK.DynamoDBv2 into a package the registry here lacks.
/// </summary>
public interface IDynamoDbStreamsClient
{
    Task<IReadOnlyList<string>> ListStreamArnsAsync(string tableName, CancellationToken cancellationToken);

    Task<IReadOnlyList<Shard>> DescribeStreamShardsAsync(string streamArn, CancellationToken cancellationToken);

    /// <summary>iteratorType: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER.</summary>
    Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken);

    /// <summary>Records in the same shape the Lambda DynamoDB event carries (so the poller hands them on as-is).</summary>
    Task<StreamRecordsPage> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken);
}

/// <summary>NextShardIterator is null when the shard is closed and fully read.</summary>
public sealed record StreamRecordsPage(IReadOnlyList<DynamoDBEvent.DynamodbStreamRecord> Records, string? NextShardIterator);
