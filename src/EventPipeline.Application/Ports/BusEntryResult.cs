namespace EventPipeline.Application.Ports;

/// <summary>What the bus answered for one entry, after the writer's retries.</summary>
/// <param name="EventId">The bus's id for the event when it was accepted.</param>
/// <param name="ErrorCode">The error code when it was not (e.g. <c>ThrottlingException</c>, <c>MalformedDetail</c>).</param>
/// <param name="ErrorMessage">The bus's message for the error.</param>
/// <param name="Retryable">Whether another attempt later may succeed (throttling, internal errors, the bus unreachable).</param>
public sealed record BusEntryResult(string? EventId, string? ErrorCode, string? ErrorMessage, bool Retryable)
{
    /// <summary>True when the bus took the entry.</summary>
    public bool Accepted => EventId is not null;
}
