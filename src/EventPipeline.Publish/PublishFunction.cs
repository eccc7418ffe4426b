using System.Diagnostics;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Publish;

/// <summary>
/// DynamoDB Stream → WebSocket pushes. Thin: hands the batch to <see cref="PublishPipeline"/>. A failure of the change
/// log or the index fails the whole batch (retried; sequences are idempotent per batch), never one connection. Each
/// batch writes one JSON log line and one EMF line of counters (changes, pushes, gone connections, duration).
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
            var result = await pipeline.ProcessAsync(input, cancellationToken);
            if (metrics is { } m)
            {
                m.Increment("Changes", result.Changes);
                m.Increment("Pushes", result.Pushes);
                m.Increment("GoneConnections", result.GoneConnections);
                m.Increment("FailedPosts", result.FailedPosts);
            }

            log.Information(
                "publish batch",
                ("records", input.Records.Count),
                ("changes", result.Changes),
                ("channels", result.Channels),
                ("pushes", result.Pushes),
                ("goneConnections", result.GoneConnections),
                ("failedPosts", result.FailedPosts),
                ("durationMs", Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1)));
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
}
