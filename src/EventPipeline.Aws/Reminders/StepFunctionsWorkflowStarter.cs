using EventPipeline.Application.Ports;
using EventPipeline.Application.Reminders;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Reminders;

/// <summary><see cref="IWorkflowStarter"/> over Step Functions <c>StartExecution</c> of one state machine.</summary>
public sealed class StepFunctionsWorkflowStarter(IStepFunctionsClient stepFunctions, string stateMachineArn) : IWorkflowStarter
{
    /// <inheritdoc />
    public async Task<string?> StartAsync(string name, string inputJson, CancellationToken cancellationToken)
    {
        try
        {
            return (await stepFunctions.StartExecutionAsync(stateMachineArn, name, inputJson, cancellationToken)).ExecutionArn;
        }
        catch (AwsServiceException e) when (e.ErrorCode.EndsWith("ExecutionAlreadyExists", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <inheritdoc />
    public string ExecutionArn(string name) => ExecutionNames.ExecutionArn(stateMachineArn, name);
}
