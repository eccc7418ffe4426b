namespace EventPipeline.StepFunctions.Local;

/// <summary>Execution status, as Step Functions' DescribeExecution names it.</summary>
public static class ExecutionStatus
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Aborted = "ABORTED";
}
