namespace EventPipeline.Aws.Clients;

/// <summary>Step Functions StartExecution (JSON 1.0, target <c>AWSStepFunctions.StartExecution</c>).</summary>
public interface IStepFunctionsClient
{
    /// <summary>Starts an execution; the same <paramref name="name"/> with the same input is idempotent for Standard workflows.</summary>
    Task<StartExecutionResult> StartExecutionAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken);
}
