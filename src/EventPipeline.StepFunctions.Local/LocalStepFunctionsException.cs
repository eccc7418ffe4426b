namespace EventPipeline.StepFunctions.Local;

/// <summary>An error of the local StartExecution/DescribeExecution API, with Step Functions' error code.</summary>
public sealed class LocalStepFunctionsException(string errorCode, string message) : Exception($"{errorCode}: {message}")
{
    /// <summary><c>ExecutionAlreadyExists</c>, <c>InvalidName</c>, <c>InvalidExecutionInput</c> or <c>ExecutionDoesNotExist</c>.</summary>
    public string ErrorCode { get; } = errorCode;
}
