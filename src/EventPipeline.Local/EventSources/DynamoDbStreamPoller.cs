using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// A local DynamoDB Streams event source mapping: reads the table's stream (children after parents) and invokes a
/// handler with <see cref="DynamoDBEvent"/> batches, with the same batching, checkpointing and error-handling
/// semantics as <see cref="KinesisEventSourcePoller"/>.
/// </summary>
public sealed class DynamoDbStreamPoller : IAsyncDisposable
{
    private readonly StreamPollerEngine<DynamoDBEvent.DynamodbStreamRecord> _engine;
    private CancellationTokenSource? _stop;
    private Task? _run;

    /// <summary>
    /// Creates a poller of <paramref name="tableName"/>'s stream (or, given a stream ARN, of that stream, as an event
    /// source mapping names it); call <see cref="Start"/> or <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="client">The DynamoDB Streams API.</param>
    /// <param name="tableName">The table, or its stream's ARN.</param>
    /// <param name="handler">The function.</param>
    /// <param name="options">The mapping's settings.</param>
    /// <param name="writtenAt">
    /// When a record's item was written, to the millisecond, read from the record (the stream's own creation time is
    /// whole seconds): what the visibility latency is measured from. Null: visibility is not measured.
    /// </param>
    public DynamoDbStreamPoller(
        IDynamoDbStreamsClient client,
        string tableName,
        Func<DynamoDBEvent, ILambdaContext, CancellationToken, Task<StreamsEventResponse>> handler,
        StreamPollerOptions options,
        Func<DynamoDBEvent.DynamodbStreamRecord, DateTimeOffset?>? writtenAt = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        _engine = new StreamPollerEngine<DynamoDBEvent.DynamodbStreamRecord>(
            new Source(client, tableName, handler, options.Region, writtenAt), options, new StreamPollerMetrics(options.Clock));
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

    private sealed class Source(
        IDynamoDbStreamsClient client,
        string tableName,
        Func<DynamoDBEvent, ILambdaContext, CancellationToken, Task<StreamsEventResponse>> handler,
        string region,
        Func<DynamoDBEvent.DynamodbStreamRecord, DateTimeOffset?>? writtenAt) : IStreamSource<DynamoDBEvent.DynamodbStreamRecord>
    {
        public string EventSource => "aws:dynamodb";

        public async Task<string> ResolveStreamArnAsync(CancellationToken cancellationToken)
        {
            if (tableName.StartsWith("arn:", StringComparison.Ordinal))
            {
                return tableName;
            }

            var arns = await client.ListStreamArnsAsync(tableName, cancellationToken);
            // A table re-created with a stream gets a new stream; the newest label sorts last.
            return arns.Count > 0
                ? arns.Order(StringComparer.Ordinal).Last()
                : throw new InvalidOperationException($"Table '{tableName}' has no stream (StreamSpecification.StreamEnabled must be true).");
        }

        public Task<IReadOnlyList<Shard>> ListShardsAsync(string streamArn, CancellationToken cancellationToken) =>
            client.DescribeStreamShardsAsync(streamArn, cancellationToken);

        public Task<string> GetShardIteratorAsync(string streamArn, string shardId, string iteratorType, string? sequenceNumber, CancellationToken cancellationToken) =>
            client.GetShardIteratorAsync(streamArn, shardId, iteratorType, sequenceNumber, cancellationToken);

        public async Task<RecordsPage<DynamoDBEvent.DynamodbStreamRecord>> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
        {
            // DynamoDB Streams returns at most 1000 records per call.
            var page = await client.GetRecordsAsync(shardIterator, Math.Min(limit, 1000), cancellationToken);
            return new RecordsPage<DynamoDBEvent.DynamodbStreamRecord>(page.Records, page.NextShardIterator, null);
        }

        public string SequenceNumberOf(DynamoDBEvent.DynamodbStreamRecord record) => record.Dynamodb.SequenceNumber;

        public DateTimeOffset ArrivalOf(DynamoDBEvent.DynamodbStreamRecord record) =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)(record.Dynamodb.ApproximateCreationDateTime * 1000));

        public DateTimeOffset? WrittenAtOf(DynamoDBEvent.DynamodbStreamRecord record) => writtenAt?.Invoke(record);

        public string PartitionKeyOf(DynamoDBEvent.DynamodbStreamRecord record) => "";

        public byte[] PayloadOf(DynamoDBEvent.DynamodbStreamRecord record) =>
            JsonSerializer.SerializeToUtf8Bytes(record, LambdaEventsJsonContext.Default.DynamodbStreamRecord);

        public async Task<StreamsEventResponse?> InvokeAsync(
            string streamArn, string shardId, IReadOnlyList<DynamoDBEvent.DynamodbStreamRecord> batch, ILambdaContext context, CancellationToken cancellationToken)
        {
            // Lambda adds the stream ARN; the Streams API already supplies the rest of the record.
            foreach (var record in batch)
            {
                record.EventSourceArn ??= streamArn;
                record.EventSource ??= "aws:dynamodb";
                record.AwsRegion ??= region;
            }

            return await handler(new DynamoDBEvent { Records = [.. batch] }, context, cancellationToken);
        }
    }
}
