using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;

namespace EventPipeline.Local.DeadLetters;

/// <summary>A dead-letter store that can also be listed and updated (the local stack's; the redrive verb uses it).</summary>
public interface IDeadLetterStore : IDeadLetterSink
{
    Task<IReadOnlyList<DeadLetterEntry>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<DeadLetterEntry?> GetAsync(string id, CancellationToken cancellationToken);

    Task MarkRedrivenAsync(string id, CancellationToken cancellationToken);
}

