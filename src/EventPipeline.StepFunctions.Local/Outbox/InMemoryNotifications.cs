namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>SES and SNS in memory (tests that run the workflow with nothing else running).</summary>
public sealed class InMemoryNotifications : RecordingNotifications
{
    private readonly List<OutboxEntry> _entries = [];
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public override Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>([.. _entries]);
        }
    }

    /// <inheritdoc />
    protected override Task StoreAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries.AddRange(entries);
        }

        return Task.CompletedTask;
    }
}
