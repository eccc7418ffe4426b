using System.Collections.Concurrent;
using System.Globalization;
using EventPipeline.Application.Ingest;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>
/// The one fake events stream: records put with their partition key get increasing sequence numbers and an arrival
/// time; <see cref="Unavailable"/> makes puts throw. <see cref="Records"/> reads them back as Ingest receives them.
/// </summary>
public sealed class InMemoryEventStream(TimeProvider? clock = null) : IEventStreamWriter
{
    private readonly ConcurrentQueue<StreamRecord> _records = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private long _sequence = 49_000_000_000_000_000;

    /// <summary>When true, puts throw (the stream refused the record).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Every record put, in order, on shard <c>shardId-000000000000</c>.</summary>
    public IReadOnlyList<StreamRecord> Records => [.. _records];

    /// <inheritdoc />
    public Task PutAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Unavailable)
        {
            throw new HttpRequestException("the stream is unavailable");
        }

        // Kinesis refuses a record whose data and partition key exceed the stream's maximum record size (1 MiB by default).
        if (data.Length + System.Text.Encoding.UTF8.GetByteCount(partitionKey) > EventPipeline.Sources.IngestEnvelopeCodec.MaxRecordBytes)
        {
            throw new InvalidOperationException($"ValidationException: record size {data.Length} bytes plus partition key exceeds {EventPipeline.Sources.IngestEnvelopeCodec.MaxRecordBytes} bytes");
        }

        var sequence = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        _records.Enqueue(new StreamRecord("shardId-000000000000", sequence, partitionKey, data.ToArray(), _clock.GetUtcNow(), "arn:aws:kinesis:us-east-1:000000000000:stream/events"));
        return Task.CompletedTask;
    }
}
