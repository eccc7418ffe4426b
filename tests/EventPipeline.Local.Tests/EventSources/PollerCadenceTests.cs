using EventPipeline.Aws.Clients;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.EventSources;
using Microsoft.Extensions.Time.Testing;
using static EventPipeline.Local.Tests.EventSources.PollerTestSupport;

namespace EventPipeline.Local.Tests.EventSources;

/// <summary>
/// How a mapping paces its reads (the clock is fake, so no read happens by time passing unless the test moves it):
/// an idle shard waits its poll interval unless a put wakes it, a batching window is filled at the poll rate, and every
/// record's visibility and batching wait are timed.
/// </summary>
public sealed class PollerCadenceTests
{
    private const string Shard0 = "shardId-000000000000";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly FakeKinesisClient _kinesis = new();
    private readonly InvocationLog _log = new();

    public PollerCadenceTests()
    {
        _kinesis.Clock = _clock;
        _kinesis.Store.AddShard(Shard0);
    }

    private StreamPollerOptions Paced(int window = 0, RecordsPutSignal? signal = null) => Options(Mapping(batchSize: 100, window: window)) with
    {
        Clock = _clock,
        EmptyPollInterval = TimeSpan.FromHours(1),
        ShardDiscoveryInterval = TimeSpan.FromHours(1),
        RecordsPut = signal,
    };

    private KinesisEventSourcePoller Started(StreamPollerOptions options, (IKinesisStreamConsumers, string)? consumer = null)
    {
        var poller = new KinesisEventSourcePoller(_kinesis, "events", (e, _, _) =>
        {
            _log.Add(e.Records.Select(r => r.Kinesis.SequenceNumber).ToList());
            return Task.FromResult(new StreamsEventResponse());
        }, options, consumer);
        poller.Start();
        return poller;
    }

    [Fact]
    public async Task Run_IdleShardOnAConsumer_ReadsAtOnceWhenAPutIsAnnounced_NotAtItsNextPoll()
    {
        var signal = new RecordsPutSignal();
        await using var poller = Started(Paced(signal: signal));
        await WaitUntilAsync(() => _kinesis.Store.GetRecordsCalls >= 1, "the first (empty) read");

        var sequence = _kinesis.Put(Shard0, "pushed");
        signal.Signal();

        await WaitUntilAsync(() => _log.AllSequences.Contains(sequence), "the record read without the hour-long poll passing");
    }

    [Fact]
    public async Task Signal_BetweenAReadersReadAndItsWait_EndsThatWaitAtOnce()
    {
        var signal = new RecordsPutSignal();
        // A reader takes Next before it reads; a put announced while it reads completes what it then waits on.
        var woken = signal.Next;
        signal.Signal();

        await woken.WaitAsync(Patience);
        Assert.False(signal.Next.IsCompleted);
    }

    [Fact]
    public async Task Run_WindowOpenAndCaughtUp_ReadsAgainOnlyAtThePollRate()
    {
        _kinesis.Put(Shard0, "first");
        await using var poller = Started(Paced(window: 10));
        await WaitUntilAsync(() => _kinesis.Store.GetRecordsCalls >= 1, "the first read");
        await Task.Delay(200);

        // The read returned less than the batch asks: the next one waits for the poll interval (an hour on this clock).
        Assert.Equal(1, _kinesis.Store.GetRecordsCalls);
        Assert.Empty(_log.Batches);
    }

    [Fact]
    public async Task Run_Records_TimesEachRecordsVisibilityAndBatchingWait()
    {
        _kinesis.Put(Shard0, "a", arrival: Start.AddMilliseconds(-250));
        _kinesis.Put(Shard0, "b", arrival: Start.AddMilliseconds(-50));
        await using var poller = Started(Paced());

        await WaitUntilAsync(() => _log.AllSequences.Count == 2, "both records processed");

        var visible = poller.Metrics.Visible.Total();
        Assert.Equal(2, visible.Count);
        Assert.Equal(250, visible.Max, 0);
        Assert.Equal(2, poller.Metrics.BatchingWait.Total().Count);
    }

    [Fact]
    public async Task Run_OnAConsumerNotYetActive_WaitsForItBeforeReading()
    {
        var consumers = new FakeConsumers("CREATING");
        _kinesis.Put(Shard0, "a");
        var options = Paced() with { ShardDiscoveryInterval = TimeSpan.FromMilliseconds(10), Clock = TimeProvider.System };
        await using var poller = Started(options, (consumers, FakeConsumers.Arn));
        await WaitUntilAsync(() => consumers.Described >= 2, "the consumer described again while CREATING");
        Assert.Empty(_log.Batches);

        consumers.Status = "ACTIVE";

        await WaitUntilAsync(() => _log.AllSequences.Count == 1, "the record read once the consumer is ACTIVE");
    }

    /// <summary>The consumer calls of one consumer whose status the test sets.</summary>
    private sealed class FakeConsumers(string status) : IKinesisStreamConsumers
    {
        public const string Arn = FakeKinesisClient.StreamArn + "/consumer/ingest:1796119200";
        private int _described;

        public string Status { get; set; } = status;

        public int Described => Volatile.Read(ref _described);

        public Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken) =>
            Task.FromResult(new StreamConsumer(Arn, consumerName, "CREATING", null));

        public Task<StreamConsumer> DescribeStreamConsumerAsync(string consumerArn, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _described);
            return Task.FromResult(new StreamConsumer(consumerArn, "ingest", Status, FakeKinesisClient.StreamArn));
        }

        public Task<StreamConsumer> DescribeStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken) =>
            DescribeStreamConsumerAsync(Arn, cancellationToken);
    }
}
