using EventPipeline.Domain;

namespace EventPipeline.Application.Reminders;

/// <summary>A started reminder's execution ARN, or why it was not started.</summary>
public sealed record ReminderStart(string? ExecutionArn, Rejection? Conflicting)
{
    /// <summary>Started (or already running from an identical earlier request).</summary>
    public static ReminderStart Started(string executionArn) => new(executionArn, null);

    /// <summary>The Idempotency-Key was first used with another request.</summary>
    public static ReminderStart Conflict(Rejection problem) => new(null, problem);
}
