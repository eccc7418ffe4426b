using System.Text;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.EventSources;
using static EventPipeline.Local.Tests.EventSources.PollerTestSupport;
using EventPipeline.Application.Ingest;

namespace EventPipeline.Local.Tests.EventSources;

public sealed class DynamoDbStreamPollerTests
{
    private const string Parent = "shardId-00000001700000000000-aaaaaaaa";
    private const string Child = "shardId-00000001700000100000-bbbbbbbb";

    private readonly FakeDynamoDbStreamsClient _streams = new();
    private readonly InvocationLog _log = new();
    private readonly InMemoryFailureDestination _failures = new();

    [Fact]
    public async Task Run_Records_DeliversDynamoDbEventWithStreamArn()
    {
        _streams.Store.AddShard(Parent);
        var seq = _streams.Put(Parent, "entity#1");
        DynamoDBEvent? seen = null;
        await using var poller = Start(Mapping(), e =>
        {
            seen = e;
            return new StreamsEventResponse();
        });
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "record processed");

        var record = Assert.Single(seen!.Records);
        Assert.Equal(FakeDynamoDbStreamsClient.StreamArn, record.EventSourceArn);
        Assert.Equal("aws:dynamodb", record.EventSource);
        Assert.Equal("INSERT", record.EventName);
        Assert.Equal(seq, record.Dynamodb.SequenceNumber);
        Assert.Equal("entity#1", record.Dynamodb.Keys["pk"].S);
    }

    [Fact]
    public async Task Run_ChildShard_IsReadOnlyAfterParentIsFinished()
    {
        _streams.Store.AddShard(Parent);
        var parent = Enumerable.Range(0, 3).Select(i => _streams.Put(Parent, $"p{i}")).ToList();
        _streams.Store.Close(Parent);
        _streams.Store.AddShard(Child);
        var child = Enumerable.Range(0, 3).Select(i => _streams.Put(Child, $"c{i}")).ToList();

        await using var poller = Start(Mapping(batchSize: 1), e =>
        {
            if (e.Records[0].Dynamodb.Keys["pk"].S!.StartsWith('p'))
            {
                Thread.Sleep(20);
            }

            return new StreamsEventResponse();
        });
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 6, "6 records processed");

        Assert.Equal([.. parent, .. child], _log.AllSequences);
    }

    [Fact]
    public async Task Run_PartialFailure_RestartsAtLowestFailedSequence()
    {
        _streams.Store.AddShard(Parent);
        var seqs = Enumerable.Range(0, 4).Select(i => _streams.Put(Parent, $"k{i}")).ToList();
        var calls = 0;
        await using var poller = Start(Mapping(), _ => Interlocked.Increment(ref calls) == 1
            ? new StreamsEventResponse { BatchItemFailures = [new() { ItemIdentifier = seqs[2] }] }
            : new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 4, "4 records processed");

        Assert.Equal([seqs, seqs[2..]], _log.Batches);
    }

    [Fact]
    public async Task Run_RetriesExhausted_SendsStreamRecordJsonToFailureDestination()
    {
        _streams.Store.AddShard(Parent);
        var bad = _streams.Put(Parent, "bad");
        await using var poller = Start(Mapping(maxRetries: 0), _ => throw new InvalidOperationException("boom"));
        await WaitUntilAsync(() => _failures.Records.Count == 1, "record given up");

        var failure = _failures.Records[0];
        Assert.Equal("aws:dynamodb", failure.EventSource);
        Assert.Equal(bad, failure.StartSequenceNumber);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(failure.Records)));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("bad", document.RootElement.GetProperty("dynamodb").GetProperty("Keys").GetProperty("pk").GetProperty("S").GetString());
        Assert.Contains("\"DDBStreamBatchInfo\"", failure.ToJson(), StringComparison.Ordinal);
    }

    private DynamoDbStreamPoller Start(Topology.EventSourceMappingSettings mapping, Func<DynamoDBEvent, StreamsEventResponse> behaviour)
    {
        var poller = new DynamoDbStreamPoller(
            _streams,
            "aggregates",
            (e, _, _) =>
            {
                _log.Add(e.Records.Select(r => r.Dynamodb.SequenceNumber).ToList());
                return Task.FromResult(behaviour(e));
            },
            Options(mapping, _failures));
        poller.Start();
        return poller;
    }
}

/// <summary>An <see cref="IDynamoDbStreamsClient"/> over <see cref="FakeShardStore{TRecord}"/>.</summary>
internal sealed class FakeDynamoDbStreamsClient : IDynamoDbStreamsClient
{
    public const string StreamArn = "arn:aws:dynamodb:us-east-1:000000000000:table/aggregates/stream/2026-01-01T00:00:00.000";

    public FakeShardStore<DynamoDBEvent.DynamodbStreamRecord> Store { get; } = new();

    /// <summary>Puts an INSERT of an item with key <paramref name="pk"/>; returns its sequence number.</summary>
    public string Put(string shardId, string pk) =>
        Store.Put(shardId, seq => new DynamoDBEvent.DynamodbStreamRecord
        {
            EventId = Guid.NewGuid().ToString("N"),
            EventName = "INSERT",
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            Dynamodb = new DynamoDBEvent.StreamRecord
            {
                ApproximateCreationDateTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                Keys = new() { ["pk"] = new() { S = pk } },
                NewImage = new() { ["pk"] = new() { S = pk } },
                SequenceNumber = seq,
                SizeBytes = 10,
                StreamViewType = "NEW_AND_OLD_IMAGES",
            },
        });

    public Task<IReadOnlyList<string>> ListStreamArnsAsync(string tableName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([StreamArn]);

    public Task<IReadOnlyList<Shard>> DescribeStreamShardsAsync(string streamArn, CancellationToken cancellationToken) =>
        Task.FromResult(Store.ListShards());

    public Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken) =>
        Task.FromResult(Store.GetIterator(shardId, iteratorType, sequenceNumber));

    public Task<StreamRecordsPage> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
    {
        var (records, next) = Store.Read(shardIterator, limit);
        return Task.FromResult(new StreamRecordsPage(records, next));
    }
}
