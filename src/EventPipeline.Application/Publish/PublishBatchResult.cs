namespace EventPipeline.Application.Publish;

/// <summary>What one stream batch pushed.</summary>
public sealed record PublishBatchResult(int Changes, int Channels, int Pushes, int GoneConnections, int FailedPosts);
