using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Publish;

/// <summary>
/// DynamoDB Stream → WebSocket pushes. Thin: hands the batch to <see cref="PublishPipeline"/>. A failure of the change
/// log or the index fails the whole batch (retried; sequences are idempotent per batch), never one connection.
/// </summary>
public sealed class PublishFunction(PublishPipeline pipeline)
{
    /// <summary>Raised after each batch (local counters, tests).</summary>
    public event Action<PublishBatchResult>? BatchProcessed;

    /// <summary>Lambda handler.</summary>
    public async Task<StreamsEventResponse> HandleAsync(DynamoDBEvent input, ILambdaContext context, CancellationToken cancellationToken)
    {
        var result = await pipeline.ProcessAsync(input, cancellationToken);
        BatchProcessed?.Invoke(result);
        return new StreamsEventResponse();
    }
}
