namespace EventPipeline.Application.Ports;

/// <summary>Puts events on the event bus (EventBridge <c>PutEvents</c> in AWS and locally).</summary>
public interface IEventBusWriter
{
    /// <summary>
    /// Puts <paramref name="entries"/> (each within <see cref="BusEntry.MaxBytes"/>), retrying what the bus throttles
    /// or fails internally; one result per entry, in order. Throws only when it was cancelled.
    /// </summary>
    Task<IReadOnlyList<BusEntryResult>> PutAsync(IReadOnlyList<BusEntry> entries, CancellationToken cancellationToken);
}
