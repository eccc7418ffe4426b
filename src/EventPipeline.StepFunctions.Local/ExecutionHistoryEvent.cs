namespace EventPipeline.StepFunctions.Local;

/// <summary>One entry of an execution's history.</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Type">StateEntered, StateExited, TaskScheduled, TaskSucceeded, TaskFailed, TaskRetryScheduled, ExecutionSucceeded, ExecutionFailed, ExecutionAborted.</param>
/// <param name="StateName">The state concerned, if any.</param>
/// <param name="Detail">Input/output JSON or error text.</param>
public sealed record ExecutionHistoryEvent(DateTimeOffset Timestamp, string Type, string? StateName, string? Detail);
