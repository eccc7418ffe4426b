using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Publish;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Publish;

/// <summary>
/// DynamoDB Stream → WebSocket pushes. Thin: hands the batch to <see cref="PublishPipeline"/>. A failure of the change
/// log or the index fails the whole batch (retried; sequences are idempotent per batch), never one connection. Each
/// batch writes one JSON log line and one EMF line of counters (changes, pushes, gone connections, duration) and, for
/// each traced push, its latencies: write sent → Publish started (<c>WriteToPublish</c>), Publish started → posted
/// (<c>PublishToPost</c>), the post itself (<c>PostDuration</c>) and Kinesis arrival → post answered (<c>ArrivalToPost</c>).
/// </summary>
/// <param name="pipeline">The batch processor.</param>
/// <param name="log">Structured log (silent when null).</param>
/// <param name="metrics">EMF metrics, flushed once per invocation (none when null).</param>
public sealed class PublishFunction(PublishPipeline pipeline, LambdaLog? log = null, EmfMetrics? metrics = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

    /// <summary>Raised after each batch (local counters, tests).</summary>
    public event Action<PublishBatchResult>? BatchProcessed;

    /// <summary>Lambda handler.</summary>
    public async Task<StreamsEventResponse> HandleAsync(DynamoDBEvent input, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var log = _log.WithRequestId(context.AwsRequestId);
        try
        {
            var result = await pipeline.ProcessAsync(ToChanges(input), cancellationToken);
            if (metrics is { } m)
            {
                m.Increment("Changes", result.Changes);
                m.Increment("Pushes", result.Pushes);
                m.Increment("GoneConnections", result.GoneConnections);
                m.Increment("FailedPosts", result.FailedPosts);
                foreach (var t in result.Timings)
                {
                    m.Record("WriteToPublish", t.WriteToPublish.TotalMilliseconds);
                    m.Record("PublishToPost", t.Publish.TotalMilliseconds);
                    m.Record("PostDuration", t.PostDuration.TotalMilliseconds);
                    m.Record("ArrivalToPost", t.ArrivalToPosted.TotalMilliseconds);
                }
            }

            // The slowest traced push of the batch names its record, so one event can be followed through the logs.
            var slowest = result.Timings.Count > 0 ? result.Timings.MaxBy(t => t.ArrivalToPosted) : null;
            log.Information(
                "publish batch",
                ("records", input.Records.Count),
                ("changes", result.Changes),
                ("channels", result.Channels),
                ("pushes", result.Pushes),
                ("goneConnections", result.GoneConnections),
                ("failedPosts", result.FailedPosts),
                ("durationMs", Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1)),
                ("tracedPushes", result.Timings.Count),
                ("slowestTraceId", slowest?.Trace.Id),
                ("slowestArrivalToPostMs", slowest is null ? null : Math.Round(slowest.ArrivalToPosted.TotalMilliseconds, 1)),
                ("slowestStreamToIngestMs", slowest is null ? null : Math.Round(slowest.StreamToIngest.TotalMilliseconds, 1)),
                ("slowestIngestMs", slowest is null ? null : Math.Round(slowest.Ingest.TotalMilliseconds, 1)),
                ("slowestWriteToPublishMs", slowest is null ? null : Math.Round(slowest.WriteToPublish.TotalMilliseconds, 1)),
                ("slowestPublishMs", slowest is null ? null : Math.Round(slowest.Publish.TotalMilliseconds, 1)));
            BatchProcessed?.Invoke(result);
            return new StreamsEventResponse();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Error("publish batch failed; it is retried", ex, ("records", input.Records.Count));
            metrics?.Increment("BatchFailures");
            throw;
        }
        finally
        {
            metrics?.Increment("BatchDuration", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "Milliseconds");
            metrics?.Flush();
        }
    }

    /// <summary>
    /// The changes one written item stands for, given its new and old images (<see cref="ToChanges"/> for one record;
    /// the <c>coalescing</c> benchmark feeds it the items Ingest wrote, to measure Publish's capacity on them).
    /// </summary>
    public static void AddChanges(Dictionary<string, AttributeValue> newItem, Dictionary<string, AttributeValue>? oldItem, List<AggregateChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (AggregateItemMapper.ToStored(newItem) is not { } stored || stored.State is WindowState)
        {
            return;
        }

        var old = oldItem is null ? null : AggregateItemMapper.ToStored(oldItem)?.State;
        var before = old is null ? [] : AggregateItemMapper.AggregatesOf(old).ToDictionary(a => a.Key);
        foreach (var aggregate in AggregateItemMapper.AggregatesOf(stored.State))
        {
            if (stored.State is not MetricState || !before.TryGetValue(aggregate.Key, out var was) || !was.SameContentAs(aggregate))
            {
                changes.Add(new AggregateChange(aggregate, stored.Version) { Trace = stored.Trace });
            }
        }
    }

    /// <summary>
    /// The batch's changes: each record's new image decoded to the aggregates it holds — an entity view; for a metric
    /// item, its total and each live window that differs from the old image (a window evicted to its own item is not a
    /// change, and that copy is not pushed again). Removals and items that are not aggregates carry nothing. The batch id is the first and last sequence numbers and the record count, the
    /// same on every redelivery of the batch.
    /// </summary>
    public static ChangeBatch ToChanges(DynamoDBEvent input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var records = input.Records;
        var changes = new List<AggregateChange>(records.Count);
        foreach (var r in records)
        {
            if (r.Dynamodb.NewImage is { } image)
            {
                AddChanges(StreamImages.ToItem(image), r.Dynamodb.OldImage is { } oldImage ? StreamImages.ToItem(oldImage) : null, changes);
            }
        }

        var batchId = records.Count == 0 ? "empty" : $"{records[0].Dynamodb.SequenceNumber}-{records[^1].Dynamodb.SequenceNumber}-{records.Count}";
        return new ChangeBatch(batchId, changes);
    }
}
