using System.Text;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.EventSources;
using EventPipeline.Topology;
using static EventPipeline.Local.Tests.EventSources.PollerTestSupport;

namespace EventPipeline.Local.Tests.EventSources;

public sealed class KinesisEventSourcePollerTests
{
    private const string Shard0 = "shardId-000000000000";
    private const string Shard1 = "shardId-000000000001";

    private readonly FakeKinesisClient _kinesis = new();
    private readonly InvocationLog _log = new();
    private readonly InMemoryFailureDestination _failures = new();

    public KinesisEventSourcePollerTests() => _kinesis.Store.AddShard(Shard0);

    private delegate StreamsEventResponse Behaviour(KinesisEvent kinesisEvent, int invocation);

    [Fact]
    public async Task Run_SuccessfulBatch_CheckpointsAndDoesNotRedeliver()
    {
        var first = Enumerable.Range(0, 3).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 3, "3 records processed");

        var second = Enumerable.Range(3, 2).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 5, "5 records processed");

        Assert.Equal([.. first, .. second], _log.AllSequences);
        Assert.Equal(second[^1], poller.Metrics.Snapshot().Checkpoints[Shard0]);
    }

    [Fact]
    public async Task Run_Record_BuildsEventAsLambdaDoes()
    {
        var arrival = DateTimeOffset.UtcNow.AddSeconds(-5);
        var sequence = _kinesis.Put(Shard0, "{\"hello\":1}", arrival, partitionKey: "tenant-a");
        KinesisEvent? seen = null;
        ILambdaContext? context = null;
        await using var poller = Start(Mapping(), (e, _) =>
        {
            seen = e;
            return new StreamsEventResponse();
        }, onContext: c => context = c);
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "record processed");

        var record = Assert.Single(seen!.Records);
        Assert.Equal("aws:kinesis", record.EventSource);
        Assert.Equal(FakeKinesisClient.StreamArn, record.EventSourceArn);
        Assert.Equal($"{Shard0}:{sequence}", record.EventId);
        Assert.Equal("aws:kinesis:record", record.EventName);
        Assert.Equal("1.0", record.EventVersion);
        Assert.Equal("us-east-1", record.AwsRegion);
        Assert.Equal("1.0", record.Kinesis.KinesisSchemaVersion);
        Assert.Equal("tenant-a", record.Kinesis.PartitionKey);
        Assert.Equal(sequence, record.Kinesis.SequenceNumber);
        Assert.Equal("{\"hello\":1}", Encoding.UTF8.GetString(record.Kinesis.Data));
        Assert.Equal(arrival.ToUnixTimeMilliseconds() / 1000.0, record.Kinesis.ApproximateArrivalTimestamp, 3);
        Assert.Equal("ingest", context!.FunctionName);
    }

    [Fact]
    public async Task Run_PartialFailure_RestartsAtLowestFailedSequenceWithoutRedeliveringEarlierRecords()
    {
        var seqs = Enumerable.Range(0, 5).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(), (_, n) => n == 1 ? Failures(seqs[3], seqs[1]) : new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 5, "5 records processed");

        Assert.Equal([seqs, seqs.Skip(1).ToList()], _log.Batches);
        Assert.Equal(1, poller.Metrics.Snapshot().Retries);
        Assert.Equal(seqs[^1], poller.Metrics.Snapshot().Checkpoints[Shard0]);
    }

    [Theory]
    [InlineData("not-a-sequence-number")]
    [InlineData("")]
    public async Task Run_ItemIdentifierNotInBatch_RetriesWholeBatch(string identifier)
    {
        var seqs = Enumerable.Range(0, 3).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(), (_, n) => n == 1 ? Failures(seqs[2], identifier) : new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 3, "3 records processed");

        Assert.Equal([seqs, seqs], _log.Batches);
    }

    [Fact]
    public async Task Run_ReportBatchItemFailuresOff_IgnoresResponse()
    {
        var seqs = Enumerable.Range(0, 2).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(reportFailures: false), (_, _) => Failures(seqs[0]));
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 2, "2 records processed");

        Assert.Equal([seqs], _log.Batches);
    }

    [Fact]
    public async Task Run_ExceptionWithBisect_SplitsIntoHalvesAndIsolatesBadRecord()
    {
        var seqs = Enumerable.Range(0, 4).Select(i => _kinesis.Put(Shard0, i == 2 ? "poison" : $"r{i}")).ToList();
        await using var poller = Start(Mapping(bisect: true, maxRetries: 0), (e, _) => ThrowOnPoison(e));
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 3 && _failures.Records.Count == 1, "3 processed, 1 given up");

        Assert.Equal(
            [seqs, seqs[..2], seqs[2..], [seqs[2]], [seqs[3]]],
            _log.Batches);
        var failure = Assert.Single(_failures.Records);
        Assert.Equal(["cG9pc29u"], failure.Records); // base64("poison")
        Assert.Equal(0, poller.Metrics.Snapshot().Retries);
    }

    [Fact]
    public async Task Run_RetriesExhausted_SendsRecordBytesToFailureDestinationAndContinues()
    {
        var poison = _kinesis.Put(Shard0, "poison");
        var good = _kinesis.Put(Shard0, "fine");
        await using var poller = Start(Mapping(batchSize: 1, maxRetries: 2), (e, _) => ThrowOnPoison(e));
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "the good record processed");

        Assert.Equal([[poison], [poison], [poison], [good]], _log.Batches);
        var failure = Assert.Single(_failures.Records);
        Assert.Equal(FailureConditions.RetryAttemptsExhausted, failure.Condition);
        Assert.Equal([Convert.ToBase64String("poison"u8.ToArray())], failure.Records);
        Assert.Equal(3, failure.ApproximateInvokeCount);
        Assert.Equal("Unhandled", failure.FunctionError);
        Assert.Equal(Shard0, failure.ShardId);
        Assert.Equal(FakeKinesisClient.StreamArn, failure.StreamArn);
        Assert.Equal(poison, failure.StartSequenceNumber);
        Assert.Equal(poison, failure.EndSequenceNumber);
        Assert.Equal(1, failure.BatchSize);
        Assert.Equal("aws:kinesis", failure.EventSource);
        var snapshot = poller.Metrics.Snapshot();
        Assert.Equal(2, snapshot.Retries);
        Assert.Equal(1, snapshot.DiscardedRecords);
        Assert.Equal(good, snapshot.Checkpoints[Shard0]);
    }

    /// <summary>
    /// The deployed mappings' settings (no batching window, for the test's pace): a function failing for 40 attempts in a
    /// row — a store down for as long as it takes — gives up nothing and then processes every record once. With a retry
    /// budget (it was 5) the records were given up during the outage, and a redrive could not restore the metric
    /// contributions of events whose entity items were already written (ADR 0003).
    /// </summary>
    [Theory]
    [InlineData("ingest")]
    [InlineData("publish")]
    public async Task Run_DeployedMappingSettings_FunctionFailingThroughAnOutage_GivesUpNothing(string function)
    {
        var deployed = (function == "ingest" ? PipelineTopology.IngestMapping : PipelineTopology.PublishMapping) with { MaximumBatchingWindowSeconds = 0 };
        var records = Enumerable.Range(0, 6).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(deployed, (_, invocation) => invocation <= 40
            ? throw new InvalidOperationException("dynamodb is not reachable: Connection refused")
            : new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == records.Count, "every record processed after the outage");

        Assert.Empty(_failures.Records);
        Assert.Equal(0, poller.Metrics.Snapshot().DiscardedRecords);
        Assert.Equal(records, _log.Batches.Skip(40).SelectMany(b => b).ToList());
    }

    [Fact]
    public async Task Run_FailureDestinationDown_ShardWaitsAndNothingAfterThePoisonIsProcessed_UntilItTakesTheRecord()
    {
        var destination = new DownFailureDestination();
        var poison = _kinesis.Put(Shard0, "poison");
        var good = _kinesis.Put(Shard0, "fine");
        var poller = new KinesisEventSourcePoller(_kinesis, "events", Handler((e, _) => ThrowOnPoison(e)), Options(Mapping(batchSize: 1, maxRetries: 0), destination));
        poller.Start();
        await using (poller)
        {
            await WaitUntilAsync(() => destination.Attempts >= 3, "three refused attempts");

            // The shard did not move past the poison record, so the good one after it waits too.
            Assert.DoesNotContain([good], _log.Batches);
            var waiting = poller.Metrics.Snapshot();
            Assert.Contains(Shard0, waiting.ShardsWaitingOnDestination ?? []);
            Assert.True(waiting.DestinationFailures >= 3);
            Assert.False(waiting.Checkpoints.ContainsKey(Shard0) && waiting.Checkpoints[Shard0] == poison);

            destination.Up = true;
            await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "the good record after the destination came back");

            Assert.Equal(poison, Assert.Single(destination.Taken).StartSequenceNumber);
            Assert.Equal(good, poller.Metrics.Snapshot().Checkpoints[Shard0]);
            Assert.Empty(poller.Metrics.Snapshot().ShardsWaitingOnDestination ?? []);
        }
    }

    /// <summary>An on-failure destination that refuses everything until <see cref="Up"/>.</summary>
    private sealed class DownFailureDestination : IFailureDestination
    {
        private int _attempts;

        public bool Up { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        public List<StreamFailureRecord> Taken { get; } = [];

        public Task SendAsync(StreamFailureRecord record, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (!Up)
            {
                throw new HttpRequestException("the queue is unreachable");
            }

            lock (Taken)
            {
                Taken.Add(record);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Run_PartialFailureRetriesExhausted_GivesUpOnlyFromLowestFailedRecord()
    {
        var seqs = Enumerable.Range(0, 3).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(maxRetries: 1), (e, _) => Failures(e.Records[^1].Kinesis.SequenceNumber));
        await WaitUntilAsync(() => _failures.Records.Count == 1, "failed record given up");

        Assert.Equal([seqs, [seqs[2]]], _log.Batches);
        var failure = _failures.Records[0];
        Assert.Equal(seqs[2], failure.StartSequenceNumber);
        Assert.Null(failure.FunctionError);
        Assert.Equal(2, poller.Metrics.Snapshot().Records);
    }

    [Fact]
    public async Task Run_RecordOlderThanMaximumAge_IsGivenUpWithoutInvoking()
    {
        var old = _kinesis.Put(Shard0, "old", DateTimeOffset.UtcNow.AddHours(-2));
        var fresh = _kinesis.Put(Shard0, "fresh");
        await using var poller = Start(Mapping(maxAge: 60), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "fresh record processed");

        Assert.Equal([[fresh]], _log.Batches);
        var failure = Assert.Single(_failures.Records);
        Assert.Equal(FailureConditions.RecordAgeExceeded, failure.Condition);
        Assert.Equal(old, failure.StartSequenceNumber);
        Assert.Equal(0, failure.ApproximateInvokeCount);
    }

    [Fact]
    public async Task Run_HandlerTimesOut_CountsAsFailure()
    {
        _kinesis.Put(Shard0, "slow");
        var options = Options(Mapping(maxRetries: 0), _failures) with { FunctionTimeout = TimeSpan.FromMilliseconds(100) };
        await using var poller = new KinesisEventSourcePoller(
            _kinesis,
            "events",
            async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new StreamsEventResponse();
            },
            options);
        poller.Start();
        await WaitUntilAsync(() => _failures.Records.Count == 1, "timed-out record given up");

        Assert.Equal("Unhandled", _failures.Records[0].FunctionError);
        Assert.Contains("timed out", _failures.Records[0].ErrorMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_BatchingWindow_CollectsSeparatePutsIntoOneBatch()
    {
        _kinesis.Store.MaxRecordsPerRead = 1; // each read sees one put, as if they arrived one by one
        var seqs = Enumerable.Range(0, 3).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(window: 1), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 3, "3 records processed");

        Assert.Equal([seqs], _log.Batches);
    }

    [Fact]
    public async Task Run_NoBatchingWindow_InvokesWithWhatOneReadReturned()
    {
        _kinesis.Store.MaxRecordsPerRead = 1;
        var seqs = Enumerable.Range(0, 3).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(window: 0), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 3, "3 records processed");

        Assert.Equal([[seqs[0]], [seqs[1]], [seqs[2]]], _log.Batches);
    }

    [Fact]
    public async Task Run_MoreRecordsThanBatchSize_SplitsInOrder()
    {
        var seqs = Enumerable.Range(0, 5).Select(i => _kinesis.Put(Shard0, $"r{i}")).ToList();
        await using var poller = Start(Mapping(batchSize: 2), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 5, "5 records processed");

        Assert.Equal([seqs[..2], seqs[2..4], seqs[4..]], _log.Batches);
    }

    [Fact]
    public async Task Run_TwoShards_KeepsEachShardsOrder()
    {
        _kinesis.Store.AddShard(Shard1);
        var a = new List<string>();
        var b = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            a.Add(_kinesis.Put(Shard0, $"a{i}"));
            b.Add(_kinesis.Put(Shard1, $"b{i}"));
        }

        await using var poller = Start(Mapping(batchSize: 2), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 12, "12 records processed");

        var all = _log.AllSequences;
        Assert.Equal(a, all.Where(a.Contains));
        Assert.Equal(b, all.Where(b.Contains));
    }

    [Fact]
    public async Task Run_ChildShard_IsReadOnlyAfterParentIsFinished()
    {
        var parent = Enumerable.Range(0, 4).Select(i => _kinesis.Put(Shard0, $"p{i}")).ToList();
        _kinesis.Store.Close(Shard0);
        _kinesis.Store.AddShard(Shard1);
        var child = Enumerable.Range(0, 4).Select(i => _kinesis.Put(Shard1, $"c{i}")).ToList();

        // A slow handler on the parent's batches gives the child every chance to jump ahead if order were not enforced.
        await using var poller = Start(Mapping(batchSize: 1), (e, _) =>
        {
            if (e.Records[0].EventId!.StartsWith(Shard0, StringComparison.Ordinal))
            {
                Thread.Sleep(20);
            }

            return new StreamsEventResponse();
        });
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 8, "8 records processed");

        Assert.Equal([.. parent, .. child], _log.AllSequences);
    }

    [Fact]
    public async Task Run_ShardAddedLater_IsPickedUp()
    {
        _kinesis.Put(Shard0, "first");
        await using var poller = Start(Mapping(), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "first record processed");

        _kinesis.Store.AddShard(Shard1);
        var late = _kinesis.Put(Shard1, "late");
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 2, "record on the new shard processed");

        Assert.Equal(late, _log.AllSequences[^1]);
    }

    [Fact]
    public async Task Run_StartingPositionLatest_SkipsRecordsPutBeforeStart()
    {
        _kinesis.Put(Shard0, "before");
        var options = Options(Mapping(), _failures) with { StartingPosition = StartingPosition.Latest };
        await using var poller = new KinesisEventSourcePoller(_kinesis, "events", Handler((_, _) => new StreamsEventResponse()), options);
        poller.Start();
        await WaitUntilAsync(() => _kinesis.Store.GetRecordsCalls > 0, "poller reading");

        var after = _kinesis.Put(Shard0, "after");
        await WaitUntilAsync(() => poller.Metrics.Snapshot().Records == 1, "record processed");

        Assert.Equal([after], _log.AllSequences);
    }

    [Fact]
    public async Task DisposeAsync_WhileRunning_Stops()
    {
        var poller = Start(Mapping(), (_, _) => new StreamsEventResponse());
        await WaitUntilAsync(() => _kinesis.Store.GetRecordsCalls > 0, "poller reading");

        await poller.DisposeAsync();
        var calls = _kinesis.Store.GetRecordsCalls;
        _kinesis.Put(Shard0, "after stop");
        await Task.Delay(100);

        Assert.Equal(calls, _kinesis.Store.GetRecordsCalls);
        Assert.Empty(_log.Batches);
    }

    private static StreamsEventResponse Failures(params string[] identifiers) => new()
    {
        BatchItemFailures = identifiers.Select(id => new StreamsEventResponse.BatchItemFailure { ItemIdentifier = id }).ToList(),
    };

    private static StreamsEventResponse ThrowOnPoison(KinesisEvent e) =>
        e.Records.Any(r => Encoding.UTF8.GetString(r.Kinesis.Data) == "poison")
            ? throw new InvalidOperationException("poison record")
            : new StreamsEventResponse();

    private KinesisEventSourcePoller Start(EventSourceMappingSettings mapping, Behaviour behaviour, Action<ILambdaContext>? onContext = null)
    {
        var poller = new KinesisEventSourcePoller(_kinesis, "events", Handler(behaviour, onContext), Options(mapping, _failures));
        poller.Start();
        return poller;
    }

    private Func<KinesisEvent, ILambdaContext, CancellationToken, Task<StreamsEventResponse>> Handler(Behaviour behaviour, Action<ILambdaContext>? onContext = null)
    {
        var invocation = 0;
        return (e, context, _) =>
        {
            onContext?.Invoke(context);
            _log.Add(e.Records.Select(r => r.Kinesis.SequenceNumber).ToList());
            return Task.FromResult(behaviour(e, Interlocked.Increment(ref invocation)));
        };
    }
}
