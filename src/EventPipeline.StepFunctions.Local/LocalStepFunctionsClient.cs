using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// <see cref="IStepFunctionsClient"/> over the in-process <see cref="LocalStateMachine"/>, for the local stack and tests:
/// errors come back as <see cref="AwsServiceException"/> with Step Functions' codes, as the real client's do.
/// </summary>
public sealed class LocalStepFunctionsClient(LocalStateMachine machine) : IStepFunctionsClient
{
    /// <inheritdoc />
    public Task<StartExecutionResult> StartExecutionAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken)
    {
        if (!string.Equals(stateMachineArn, machine.StateMachineArn, StringComparison.Ordinal))
        {
            throw new AwsServiceException(400, "StateMachineDoesNotExist", $"State Machine Does Not Exist: '{stateMachineArn}'");
        }

        try
        {
            var start = machine.StartExecution(name, inputJson);
            return Task.FromResult(new StartExecutionResult(start.ExecutionArn, start.StartDate));
        }
        catch (LocalStepFunctionsException e)
        {
            throw new AwsServiceException(400, e.ErrorCode, e.Message);
        }
    }
}
