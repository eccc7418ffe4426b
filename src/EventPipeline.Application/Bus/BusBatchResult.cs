namespace EventPipeline.Application.Bus;

/// <summary>What one batch of change-log records did on the bus.</summary>
/// <param name="Published">Events the bus accepted.</param>
/// <param name="DeadLettered">Changes the bus can never take (too large, refused), dead-lettered with the reason.</param>
/// <param name="Skipped">Change-log records that are not the tenant channel's (every change is on it exactly once).</param>
/// <param name="FailedRecordIds">Records to retry (the bus throttled or was down after the writer's retries), lowest first.</param>
public sealed record BusBatchResult(int Published, int DeadLettered, int Skipped, IReadOnlyList<string> FailedRecordIds);
