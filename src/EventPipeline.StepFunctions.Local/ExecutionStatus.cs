namespace EventPipeline.StepFunctions.Local;

/// <summary>Execution status, as Step Functions' DescribeExecution names it.</summary>
public static class ExecutionStatus
{
    /// <summary>Started and not closed yet.</summary>
    public const string Running = "RUNNING";

    /// <summary>Reached a Succeed state or the end; the output is set.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>Failed with an error and a cause.</summary>
    public const string Failed = "FAILED";

    /// <summary>Stopped by StopExecution (or by disposing the state machine).</summary>
    public const string Aborted = "ABORTED";
}
