namespace EventPipeline.StepFunctions.Local;

/// <summary>What StartExecution answers.</summary>
public sealed record LocalExecutionStart(string ExecutionArn, DateTimeOffset StartDate);
