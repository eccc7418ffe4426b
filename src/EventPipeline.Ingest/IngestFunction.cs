using System.Diagnostics;
using EventPipeline.Application.Ingest;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Ingest;

/// <summary>
/// Kinesis → aggregates. Thin: hands the batch to <see cref="IngestPipeline"/> and reports the failed records by
/// sequence number (ReportBatchItemFailures), so the event source mapping retries from the lowest one. Each batch
/// writes one JSON log line (shard, sequence range, counts, where the time went) and one EMF line of counters and
/// latencies: each record's wait from the stream's arrival to this invocation (<c>StreamToIngest</c>) and the batch's
/// stages (<c>AdaptDuration</c>, <c>ReadDuration</c>, <c>DedupDuration</c>, <c>WriteDuration</c>).
/// </summary>
/// <param name="pipeline">The batch processor.</param>
/// <param name="log">Structured log (silent when null).</param>
/// <param name="metrics">EMF metrics, flushed once per invocation (none when null).</param>
/// <param name="clock">When the invocation started, against the records' arrival (the system clock by default).</param>
public sealed class IngestFunction(IngestPipeline pipeline, LambdaLog? log = null, EmfMetrics? metrics = null, TimeProvider? clock = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The last batch's result (for the local stack's counters and tests).</summary>
    public event Action<IngestBatchResult>? BatchProcessed;

    /// <summary>Lambda handler.</summary>
    public async Task<StreamsEventResponse> HandleAsync(KinesisEvent input, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var invokedAt = _clock.GetUtcNow();
        var log = _log.WithRequestId(context.AwsRequestId);
        var shard = input.Records.Count > 0 ? ShardOf(input.Records[0]) : null;
        var first = input.Records.Count > 0 ? input.Records[0].Kinesis.SequenceNumber : null;
        var last = input.Records.Count > 0 ? input.Records[^1].Kinesis.SequenceNumber : null;
        try
        {
            var records = ToStreamRecords(input.Records, shard);
            var waited = StreamToIngest(records, invokedAt);
            var result = await pipeline.ProcessAsync(records, cancellationToken);
            Record(log, result, shard, first, last, Stopwatch.GetElapsedTime(started), waited);
            BatchProcessed?.Invoke(result);
            return new StreamsEventResponse
            {
                BatchItemFailures = result.FailedSequenceNumbers
                    .Select(s => new StreamsEventResponse.BatchItemFailure { ItemIdentifier = s })
                    .ToList(),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The whole batch is retried by the event source mapping; say which one.
            log.Error("ingest batch failed", ex, ("shardId", shard), ("firstSequenceNumber", first), ("lastSequenceNumber", last), ("records", input.Records.Count));
            metrics?.Increment("BatchFailures");
            throw;
        }
        finally
        {
            metrics?.Increment("BatchDuration", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "Milliseconds");
            metrics?.Flush();
        }
    }

    /// <summary>Each record's wait from its arrival on the stream to this invocation, in milliseconds (records with an arrival time).</summary>
    private List<double> StreamToIngest(List<StreamRecord> records, DateTimeOffset invokedAt)
    {
        var waited = new List<double>(records.Count);
        foreach (var record in records)
        {
            if (record.ArrivedAt is { } arrived)
            {
                var ms = (invokedAt - arrived).TotalMilliseconds;
                waited.Add(ms);
                metrics?.Record("StreamToIngest", ms);
            }
        }

        return waited;
    }

    private void Record(LambdaLog log, IngestBatchResult r, string? shard, string? first, string? last, TimeSpan elapsed, List<double> waited)
    {
        var stages = r.Stages;
        if (metrics is { } m)
        {
            m.Record("AdaptDuration", stages.Adapt.TotalMilliseconds);
            m.Record("ReadDuration", stages.Read.TotalMilliseconds);
            m.Record("DedupDuration", stages.Dedup.TotalMilliseconds);
            m.Record("WriteDuration", stages.Write.TotalMilliseconds);
            m.Increment("EventsIn", r.Records);
            m.Increment("EventsApplied", r.Applied);
            m.Increment("DedupHits", r.Duplicates);
            m.Increment("LateEvents", r.Late);
            m.Increment("Rejected", r.DeadLettered);
            foreach (var (category, count) in r.DeadLettersByCategory)
            {
                m.Increment("Rejected." + category, count);
            }

            m.Increment("ItemWrites", r.ItemWrites);
            m.Increment("DedupWrites", r.DedupWrites);
            m.Increment("RecordsRetried", r.FailedSequenceNumbers.Count);
        }

        log.Information(
            "ingest batch",
            ("shardId", shard),
            ("firstSequenceNumber", first),
            ("lastSequenceNumber", last),
            ("records", r.Records),
            ("applied", r.Applied),
            ("duplicates", r.Duplicates),
            ("deadLettered", r.DeadLettered),
            ("itemWrites", r.ItemWrites),
            ("durationMs", Math.Round(elapsed.TotalMilliseconds, 1)),
            ("streamToIngestMaxMs", waited.Count > 0 ? Math.Round(waited.Max(), 1) : null),
            ("adaptMs", Math.Round(stages.Adapt.TotalMilliseconds, 1)),
            ("readMs", Math.Round(stages.Read.TotalMilliseconds, 1)),
            ("dedupMs", Math.Round(stages.Dedup.TotalMilliseconds, 1)),
            ("writeMs", Math.Round(stages.Write.TotalMilliseconds, 1)));
        foreach (var (category, count) in r.DeadLettersByCategory)
        {
            log.Warning("records dead-lettered", ("shardId", shard), ("reason", category), ("count", count));
        }

        foreach (var sequence in r.FailedSequenceNumbers)
        {
            log.Warning("record failed; the batch is retried from here", ("shardId", shard), ("sequenceNumber", sequence));
        }
    }

    /// <summary>Shard id from the record's eventID (<c>shardId-000000000000:49545...</c>).</summary>
    public static string ShardOf(KinesisEvent.KinesisEventRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = record.EventId ?? "";
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? id[..colon] : "shardId-000000000000";
    }

    /// <summary>
    /// The batch as the pipeline takes it. Every record of a batch comes from one shard: its id is kept once, not cut
    /// from each record's eventID (thousands of copies in a 6 MB batch). The record bytes are shared, not copied.
    /// </summary>
    private static List<StreamRecord> ToStreamRecords(List<KinesisEvent.KinesisEventRecord> input, string? firstShard)
    {
        var records = new List<StreamRecord>(input.Count);
        foreach (var record in input)
        {
            var k = record.Kinesis;
            DateTimeOffset? arrived = k.ApproximateArrivalTimestamp > 0
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(k.ApproximateArrivalTimestamp * 1000))
                : null;
            var shard = firstShard is not null && IsOnShard(record, firstShard) ? firstShard : ShardOf(record);
            records.Add(new StreamRecord(shard, k.SequenceNumber, k.PartitionKey, k.Data, arrived, record.EventSourceArn));
        }

        return records;
    }

    /// <summary>Whether the record's eventID names <paramref name="shard"/>, as <see cref="ShardOf"/> would read it.</summary>
    private static bool IsOnShard(KinesisEvent.KinesisEventRecord record, string shard)
    {
        var id = record.EventId ?? "";
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? id.AsSpan(0, colon).SequenceEqual(shard) : shard == "shardId-000000000000";
    }
}
