using EventPipeline.Application.Tracing;

namespace EventPipeline.Application.Publish;

/// <summary>What one stream batch pushed.</summary>
public sealed record PublishBatchResult(int Changes, int Channels, int Pushes, int GoneConnections, int FailedPosts)
{
    /// <summary>Every traced push of the batch, with its stage times (one per post, so per connection).</summary>
    public IReadOnlyList<PushTiming> Timings { get; init; } = [];
}
