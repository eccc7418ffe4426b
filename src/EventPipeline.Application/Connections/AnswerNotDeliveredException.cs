namespace EventPipeline.Application.Connections;

/// <summary>
/// An answer to a client's own message could not be posted to its connection (refused, throttled or timed out after
/// retries). The invocation fails with it, so the failure is counted and logged where it happened, and API Gateway tells
/// the client "Internal server error" instead of leaving it waiting for an answer that never comes.
/// </summary>
public sealed class AnswerNotDeliveredException(string connectionId)
    : Exception($"the answer to connection {connectionId} could not be posted to it (see the @connections client's error)")
{
    /// <summary>The connection the answer was for.</summary>
    public string ConnectionId { get; } = connectionId;
}
