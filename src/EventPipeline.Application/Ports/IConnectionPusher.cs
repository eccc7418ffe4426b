namespace EventPipeline.Application.Ports;

/// <summary>
/// Sends a message to one WebSocket connection (API Gateway's <c>@connections</c> POST in AWS and locally). A
/// connection that is gone is an answer, not an error: the caller removes it.
/// </summary>
public interface IConnectionPusher
{
    /// <summary>Posts <paramref name="payload"/> to the connection.</summary>
    /// <returns><see cref="PushOutcome.Gone"/> when the connection no longer exists; <see cref="PushOutcome.Failed"/> when
    /// the post failed after the client's retries (the connection misses this push and resumes from the change log).</returns>
    Task<PushOutcome> PushAsync(string connectionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
