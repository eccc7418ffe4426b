namespace EventPipeline.StepFunctions.Local;

/// <summary>A snapshot of an execution (DescribeExecution plus its history).</summary>
public sealed record ExecutionDescription(
    string ExecutionArn,
    string Name,
    string Status,
    string Input,
    string? Output,
    string? Error,
    string? Cause,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    IReadOnlyList<ExecutionHistoryEvent> History)
{
    /// <summary>Names of the states entered, in order (parallel branches interleave).</summary>
    public IReadOnlyList<string> EnteredStates => [.. History.Where(e => e.Type == "StateEntered").Select(e => e.StateName!)];

    /// <summary>How many times the Task state <paramref name="stateName"/> was attempted.</summary>
    public int AttemptsOf(string stateName) => History.Count(e => e.Type == "TaskScheduled" && e.StateName == stateName);
}
