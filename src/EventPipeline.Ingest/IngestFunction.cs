using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Ingest;

/// <summary>
/// Kinesis → aggregates. Thin: hands the batch to <see cref="IngestPipeline"/> and reports the failed records by
/// sequence number (ReportBatchItemFailures), so the event source mapping retries from the lowest one.
/// </summary>
public sealed class IngestFunction(IngestPipeline pipeline)
{
    /// <summary>The last batch's result (for the local stack's counters and tests).</summary>
    public event Action<IngestBatchResult>? BatchProcessed;

    /// <summary>Lambda handler.</summary>
    public async Task<StreamsEventResponse> HandleAsync(KinesisEvent input, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = await pipeline.ProcessAsync(input, cancellationToken);
        BatchProcessed?.Invoke(result);
        return new StreamsEventResponse
        {
            BatchItemFailures = result.FailedSequenceNumbers
                .Select(s => new StreamsEventResponse.BatchItemFailure { ItemIdentifier = s })
                .ToList(),
        };
    }
}
