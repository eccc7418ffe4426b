using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// <see cref="IDynamoDbStreamsClient"/> over JSON 1.0 (<c>DynamoDBStreams_20120810.*</c>, signing name <c>dynamodb</c>).
/// GetRecords returns the stream's record JSON, which has the Lambda event's shape (eventID, eventName, dynamodb{...}
/// with AttributeValue maps), so it is read straight into <see cref="DynamoDBEvent.DynamodbStreamRecord"/>.
/// </summary>
public sealed class DynamoDbStreamsClient : IDynamoDbStreamsClient, IDisposable
{
    private const string TargetPrefix = "DynamoDBStreams_20120810.";
    private readonly AwsJsonClient _client;

    /// <summary>Calls <see cref="AwsEndpoints.DynamoDbStreamsEndpoint"/>; share <paramref name="httpClient"/> between clients.</summary>
    public DynamoDbStreamsClient(AwsEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client = new AwsJsonClient(endpoints.DynamoDbStreamsEndpoint, "dynamodb", endpoints, httpClient, timeProvider);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListStreamArnsAsync(string tableName, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        string? lastEvaluated = null;
        do
        {
            var start = lastEvaluated;
            lastEvaluated = await Call("ListStreams", w =>
            {
                w.WriteString("TableName", tableName);
                if (start is not null)
                {
                    w.WriteString("ExclusiveStartStreamArn", start);
                }
            }, root =>
            {
                if (root.TryGetProperty("Streams", out var streams))
                {
                    foreach (var stream in streams.EnumerateArray())
                    {
                        arns.Add(JsonFields.RequiredString(stream, "StreamArn"));
                    }
                }

                return JsonFields.OptionalString(root, "LastEvaluatedStreamArn");
            }, cancellationToken);
        }
        while (lastEvaluated is not null);

        return arns;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Shard>> DescribeStreamShardsAsync(string streamArn, CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        string? lastShard = null;
        do
        {
            var start = lastShard;
            lastShard = await Call("DescribeStream", w =>
            {
                w.WriteString("StreamArn", streamArn);
                if (start is not null)
                {
                    w.WriteString("ExclusiveStartShardId", start);
                }
            }, root =>
            {
                var description = JsonFields.Required(root, "StreamDescription");
                if (description.TryGetProperty("Shards", out var list))
                {
                    foreach (var shard in list.EnumerateArray())
                    {
                        shards.Add(KinesisClient.ReadShard(shard));
                    }
                }

                return JsonFields.OptionalString(description, "LastEvaluatedShardId");
            }, cancellationToken);
        }
        while (lastShard is not null);

        return shards;
    }

    /// <inheritdoc />
    public Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken) =>
        Call("GetShardIterator", w =>
        {
            w.WriteString("StreamArn", streamArn);
            w.WriteString("ShardId", shardId);
            w.WriteString("ShardIteratorType", iteratorType);
            if (sequenceNumber is not null)
            {
                w.WriteString("SequenceNumber", sequenceNumber);
            }
        }, root => JsonFields.RequiredString(root, "ShardIterator"), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The stream records carry no <c>eventSourceARN</c> (Lambda adds it); the poller sets it from the ARN it reads.</remarks>
    public Task<StreamRecordsPage> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken) =>
        Call("GetRecords", w =>
        {
            w.WriteString("ShardIterator", shardIterator);
            w.WriteNumber("Limit", limit);
        }, root =>
        {
            var page = root.Deserialize(DynamoDbStreamsJsonContext.Default.GetRecordsResponse)
                ?? throw new AwsServiceException(200, "MalformedResponse", "GetRecords response is null");
            return new StreamRecordsPage(page.Records ?? [], page.NextShardIterator);
        }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private Task<T> Call<T>(string operation, Action<Utf8JsonWriter> writeFields, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(AwsJsonClient.Json10, TargetPrefix + operation, w =>
        {
            w.WriteStartObject();
            writeFields(w);
            w.WriteEndObject();
        }, read, cancellationToken);
}

/// <summary>The GetRecords response body of DynamoDB Streams.</summary>
internal sealed class GetRecordsResponse
{
    [JsonPropertyName("Records")]
    public List<DynamoDBEvent.DynamodbStreamRecord>? Records { get; set; }

    [JsonPropertyName("NextShardIterator")]
    public string? NextShardIterator { get; set; }
}

[JsonSerializable(typeof(GetRecordsResponse))]
internal sealed partial class DynamoDbStreamsJsonContext : JsonSerializerContext;
