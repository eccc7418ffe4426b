using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// A local Kinesis event source mapping: reads every shard of a stream and invokes a handler with
/// <see cref="KinesisEvent"/> batches exactly as Lambda builds them, with Lambda's batching, checkpointing and
/// error-handling semantics (see <see cref="StreamPollerOptions"/>). A mapping on an enhanced fan-out consumer first
/// checks the consumer (DescribeStreamConsumer, with the function's role, as Lambda does) and then reads the stream's
/// shards, woken by puts (<see cref="StreamPollerOptions.RecordsPut"/>) as Kinesis would push to it.
/// </summary>
public sealed class KinesisEventSourcePoller : IAsyncDisposable
{
    private readonly StreamPollerEngine<KinesisRecord> _engine;
    private CancellationTokenSource? _stop;
    private Task? _run;

    /// <summary>Creates a poller of <paramref name="streamName"/>; call <see cref="Start"/> or <see cref="RunAsync"/>.</summary>
    /// <param name="client">The Kinesis API, with the function's role.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="handler">The function.</param>
    /// <param name="options">The mapping's settings.</param>
    /// <param name="consumer">The enhanced fan-out consumer the mapping names, and where to describe it; null for a mapping on the stream.</param>
    public KinesisEventSourcePoller(
        IKinesisClient client,
        string streamName,
        Func<KinesisEvent, ILambdaContext, CancellationToken, Task<StreamsEventResponse>> handler,
        StreamPollerOptions options,
        (IKinesisStreamConsumers Api, string Arn)? consumer = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        _engine = new StreamPollerEngine<KinesisRecord>(new Source(client, streamName, handler, options.Region, consumer), options, new StreamPollerMetrics(options.Clock));
    }

    /// <summary>Live counters.</summary>
    public StreamPollerMetrics Metrics => _engine.Metrics;

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then returns.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _engine.RunAsync(cancellationToken);

    /// <summary>Starts polling in the background; <see cref="DisposeAsync"/> stops it.</summary>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("The poller is already running.");
        }

        _stop = new CancellationTokenSource();
        _run = Task.Run(() => _engine.RunAsync(_stop.Token));
    }

    /// <summary>Stops polling and waits for the current invocation to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is null || _run is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    /// <summary>Builds one Lambda Kinesis event record (as the event source mapping does) from a stream record.</summary>
    public static KinesisEvent.KinesisEventRecord ToEventRecord(KinesisRecord record, string streamArn, string shardId, string region)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new KinesisEvent.KinesisEventRecord
        {
            EventSource = "aws:kinesis",
            EventSourceArn = streamArn,
            EventId = $"{shardId}:{record.SequenceNumber}",
            EventName = "aws:kinesis:record",
            EventVersion = "1.0",
            AwsRegion = region,
            InvokeIdentityArn = $"arn:aws:iam::{AccountOf(streamArn)}:role/eventpipeline-local",
            Kinesis = new KinesisEvent.Record
            {
                KinesisSchemaVersion = "1.0",
                PartitionKey = record.PartitionKey,
                SequenceNumber = record.SequenceNumber,
                Data = record.Data,
                ApproximateArrivalTimestamp = record.ApproximateArrivalTimestamp.ToUnixTimeMilliseconds() / 1000.0,
            },
        };
    }

    private static string AccountOf(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 4 && parts[4].Length > 0 ? parts[4] : "000000000000";
    }

    private sealed class Source(
        IKinesisClient client,
        string streamName,
        Func<KinesisEvent, ILambdaContext, CancellationToken, Task<StreamsEventResponse>> handler,
        string region,
        (IKinesisStreamConsumers Api, string Arn)? consumer) : IStreamSource<KinesisRecord>
    {
        public string EventSource => "aws:kinesis";

        public async Task<string> ResolveStreamArnAsync(CancellationToken cancellationToken)
        {
            if (consumer is not { } c)
            {
                return (await client.DescribeStreamSummaryAsync(streamName, cancellationToken)).StreamArn;
            }

            // The engine retries until the consumer answers ACTIVE (it is CREATING for a moment after registration).
            var described = await c.Api.DescribeStreamConsumerAsync(c.Arn, cancellationToken);
            return described.ConsumerStatus == "ACTIVE" && described.StreamArn is { } arn
                ? arn
                : throw new InvalidOperationException($"stream consumer {c.Arn} is {described.ConsumerStatus}, not ACTIVE");
        }

        public Task<IReadOnlyList<Shard>> ListShardsAsync(string streamArn, CancellationToken cancellationToken) =>
            client.ListShardsAsync(streamName, cancellationToken);

        public Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken) =>
            client.GetShardIteratorAsync(streamName, shardId, iteratorType, sequenceNumber, cancellationToken);

        public async Task<RecordsPage<KinesisRecord>> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
        {
            var result = await client.GetRecordsAsync(shardIterator, Math.Min(limit, 10_000), cancellationToken);
            return new RecordsPage<KinesisRecord>(result.Records, result.NextShardIterator, result.MillisBehindLatest);
        }

        public string SequenceNumberOf(KinesisRecord record) => record.SequenceNumber;

        public DateTimeOffset ArrivalOf(KinesisRecord record) => record.ApproximateArrivalTimestamp;

        public DateTimeOffset? WrittenAtOf(KinesisRecord record) => record.ApproximateArrivalTimestamp;

        public byte[] PayloadOf(KinesisRecord record) => record.Data;

        public string PartitionKeyOf(KinesisRecord record) => record.PartitionKey;

        public async Task<StreamsEventResponse?> InvokeAsync(
            string streamArn, string shardId, IReadOnlyList<KinesisRecord> batch, ILambdaContext context, CancellationToken cancellationToken)
        {
            var kinesisEvent = new KinesisEvent { Records = batch.Select(r => ToEventRecord(r, streamArn, shardId, region)).ToList() };
            return await handler(kinesisEvent, context, cancellationToken);
        }
    }
}
