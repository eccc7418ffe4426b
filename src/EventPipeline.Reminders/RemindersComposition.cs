using EventPipeline.Application.Reminders;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Reminders;
using EventPipeline.Lambda;
using EventPipeline.Topology;

namespace EventPipeline.Reminders;

/// <summary>Builds the Reminders function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class RemindersComposition
{
    /// <summary>The function's key.</summary>
    public const string FunctionKey = "reminders";

    /// <summary>Reads <c>STATE_MACHINE_ARN</c>, <c>OPERATIONS_TABLE</c> and the AWS client settings, and wires the function.</summary>
    public static RemindersFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment));
        var scheduler = new ReminderScheduler(
            new DynamoDbIdempotencyStore(aws.DynamoDb, settings.OperationsTable, host.Clock),
            new StepFunctionsWorkflowStarter(aws.StepFunctions, settings.StateMachineArn));
        return new RemindersFunction(scheduler, host.Clock);
    }
}
