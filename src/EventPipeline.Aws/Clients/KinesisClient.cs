using System.Text.Json;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// <see cref="IKinesisClient"/> over the JSON 1.1 protocol (<c>Kinesis_20131202.*</c>, signing name <c>kinesis</c>).
/// Record data travels base64-encoded; <c>ApproximateArrivalTimestamp</c> is epoch seconds. Also the consumer calls
/// (<see cref="IKinesisStreamConsumers"/>).
/// </summary>
public sealed class KinesisClient : IKinesisClient, IKinesisStreamConsumers, IDisposable
{
    private const string TargetPrefix = "Kinesis_20131202.";
    private readonly AwsJsonClient _client;

    /// <summary>Calls <see cref="AwsEndpoints.KinesisEndpoint"/>; share <paramref name="httpClient"/> between clients.</summary>
    public KinesisClient(AwsEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client = new AwsJsonClient(endpoints.KinesisEndpoint, "kinesis", endpoints, httpClient, timeProvider);
    }

    /// <inheritdoc />
    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken) =>
        Call("CreateStream", w =>
        {
            w.WriteString("StreamName", streamName);
            w.WriteNumber("ShardCount", shardCount);
        }, _ => true, cancellationToken);

    /// <inheritdoc />
    public Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken) =>
        Call("DescribeStreamSummary", w => w.WriteString("StreamName", streamName), root =>
        {
            var summary = JsonFields.Required(root, "StreamDescriptionSummary");
            return new StreamSummary(
                JsonFields.RequiredString(summary, "StreamName"),
                JsonFields.RequiredString(summary, "StreamARN"),
                JsonFields.RequiredString(summary, "StreamStatus"),
                summary.TryGetProperty("OpenShardCount", out var open) && open.ValueKind == JsonValueKind.Number ? open.GetInt32() : 0);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<PutRecordResult> PutRecordAsync(string streamName, string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Call("PutRecord", w =>
        {
            w.WriteString("StreamName", streamName);
            w.WriteString("PartitionKey", partitionKey);
            w.WriteBase64String("Data", data.Span);
        }, root => new PutRecordResult(JsonFields.RequiredString(root, "ShardId"), JsonFields.RequiredString(root, "SequenceNumber")), cancellationToken);

    /// <inheritdoc />
    public Task<PutRecordsResult> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count is 0 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(records), records.Count, "PutRecords takes 1 to 500 records.");
        }

        return Call("PutRecords", w =>
        {
            w.WriteString("StreamName", streamName);
            w.WriteStartArray("Records");
            foreach (var record in records)
            {
                w.WriteStartObject();
                w.WriteString("PartitionKey", record.PartitionKey);
                w.WriteBase64String("Data", record.Data.Span);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }, root =>
        {
            var results = new List<PutRecordsResultEntry>(records.Count);
            foreach (var entry in JsonFields.Required(root, "Records").EnumerateArray())
            {
                results.Add(new PutRecordsResultEntry(
                    JsonFields.OptionalString(entry, "ShardId"),
                    JsonFields.OptionalString(entry, "SequenceNumber"),
                    JsonFields.OptionalString(entry, "ErrorCode"),
                    JsonFields.OptionalString(entry, "ErrorMessage")));
            }

            var failed = root.TryGetProperty("FailedRecordCount", out var count) && count.ValueKind == JsonValueKind.Number
                ? count.GetInt32()
                : results.Count(r => r.ErrorCode is not null);
            return new PutRecordsResult(failed, results);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Shard>> ListShardsAsync(string streamName, CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        string? nextToken = null;
        do
        {
            var token = nextToken;
            nextToken = await Call("ListShards", w =>
            {
                // The API rejects StreamName together with NextToken: the token already names the stream.
                if (token is null)
                {
                    w.WriteString("StreamName", streamName);
                }
                else
                {
                    w.WriteString("NextToken", token);
                }
            }, root =>
            {
                if (root.TryGetProperty("Shards", out var list))
                {
                    foreach (var shard in list.EnumerateArray())
                    {
                        shards.Add(ReadShard(shard));
                    }
                }

                return JsonFields.OptionalString(root, "NextToken");
            }, cancellationToken);
        }
        while (nextToken is not null);

        return shards;
    }

    /// <inheritdoc />
    public Task<string> GetShardIteratorAsync(string streamName, string shardId, string iteratorType, string? startingSequenceNumber, CancellationToken cancellationToken) =>
        Call("GetShardIterator", w =>
        {
            w.WriteString("StreamName", streamName);
            w.WriteString("ShardId", shardId);
            w.WriteString("ShardIteratorType", iteratorType);
            if (startingSequenceNumber is not null)
            {
                w.WriteString("StartingSequenceNumber", startingSequenceNumber);
            }
        }, root => JsonFields.RequiredString(root, "ShardIterator"), cancellationToken);

    /// <inheritdoc />
    public Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken) =>
        Call("GetRecords", w =>
        {
            w.WriteString("ShardIterator", shardIterator);
            w.WriteNumber("Limit", limit);
        }, root =>
        {
            var records = new List<KinesisRecord>();
            if (root.TryGetProperty("Records", out var list))
            {
                foreach (var record in list.EnumerateArray())
                {
                    records.Add(new KinesisRecord(
                        JsonFields.RequiredString(record, "SequenceNumber"),
                        JsonFields.RequiredString(record, "PartitionKey"),
                        JsonFields.Required(record, "Data").GetBytesFromBase64(),
                        JsonFields.ReadEpochSeconds(JsonFields.Required(record, "ApproximateArrivalTimestamp"))));
                }
            }

            var behind = root.TryGetProperty("MillisBehindLatest", out var millis) && millis.ValueKind == JsonValueKind.Number ? millis.GetInt64() : 0;
            return new GetRecordsResult(records, JsonFields.OptionalString(root, "NextShardIterator"), behind);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken) =>
        Call("RegisterStreamConsumer", w =>
        {
            w.WriteString("StreamARN", streamArn);
            w.WriteString("ConsumerName", consumerName);
        }, root => ReadConsumer(JsonFields.Required(root, "Consumer")), cancellationToken);

    /// <inheritdoc />
    public Task<StreamConsumer> DescribeStreamConsumerAsync(string consumerArn, CancellationToken cancellationToken) =>
        Call("DescribeStreamConsumer", w => w.WriteString("ConsumerARN", consumerArn), root => ReadConsumer(JsonFields.Required(root, "ConsumerDescription")), cancellationToken);

    /// <inheritdoc />
    public Task<StreamConsumer> DescribeStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken) =>
        Call("DescribeStreamConsumer", w =>
        {
            w.WriteString("StreamARN", streamArn);
            w.WriteString("ConsumerName", consumerName);
        }, root => ReadConsumer(JsonFields.Required(root, "ConsumerDescription")), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static StreamConsumer ReadConsumer(JsonElement consumer) => new(
        JsonFields.RequiredString(consumer, "ConsumerARN"),
        JsonFields.RequiredString(consumer, "ConsumerName"),
        JsonFields.RequiredString(consumer, "ConsumerStatus"),
        JsonFields.OptionalString(consumer, "StreamARN"));

    public static Shard ReadShard(JsonElement shard)
    {
        var range = JsonFields.Required(shard, "SequenceNumberRange");
        return new Shard(JsonFields.RequiredString(shard, "ShardId"), JsonFields.RequiredString(range, "StartingSequenceNumber"), JsonFields.OptionalString(range, "EndingSequenceNumber"));
    }

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> writeFields, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(AwsJsonClient.Json11, TargetPrefix + operation, w =>
        {
            w.WriteStartObject();
            writeFields(w);
            w.WriteEndObject();
        }, read, cancellationToken);
}
