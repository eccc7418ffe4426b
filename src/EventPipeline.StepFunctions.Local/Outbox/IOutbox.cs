namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>
/// What the reminders sent, read back from wherever SES and SNS delivered it (moto in the local stack): the CLI's
/// <c>outbox</c> verb and <c>GET /outbox</c> read this.
/// </summary>
public interface IOutbox
{
    /// <summary>Every notification sent so far, one entry per recipient (see each implementation for the order).</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken);
}
