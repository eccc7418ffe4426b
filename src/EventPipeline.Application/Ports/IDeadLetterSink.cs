using EventPipeline.Application.DeadLetters;

namespace EventPipeline.Application.Ports;

/// <summary>Where records the pipeline gives up on go, with their reason: an SQS queue in AWS and locally.</summary>
public interface IDeadLetterSink
{
    /// <summary>Sends every entry or throws: a dead letter is never dropped silently, so a failure fails the batch.</summary>
    Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken);
}
