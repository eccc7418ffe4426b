namespace EventPipeline.Local.EventSources;

/// <summary>
/// Tells a mapping's shard readers that records were put on their stream, so an idle reader reads at once instead of
/// at its next poll: the local stand-in for an enhanced fan-out consumer, where Kinesis pushes records to Lambda as
/// they arrive. Every waiting reader wakes; a signal between a reader's read and its wait is not lost, because the
/// reader takes <see cref="Next"/> before it reads.
/// </summary>
public sealed class RecordsPutSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Signal"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every reader waiting on <see cref="Next"/>.</summary>
    public void Signal() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
