namespace EventPipeline.Reminders;

/// <summary>Configuration of the Reminders function.</summary>
public sealed class RemindersOptions
{
    /// <summary>Environment variable holding the state machine ARN (set by the CDK app and the local stack).</summary>
    public const string StateMachineArnVariable = EventPipeline.Topology.PipelineTopology.Environment.StateMachineArn;

    /// <summary>ARN of the reminder state machine.</summary>
    public required string StateMachineArn { get; init; }

    /// <summary>Reads the options from the environment; throws naming the variable when it is missing.</summary>
    public static RemindersOptions FromEnvironment()
    {
        var arn = Environment.GetEnvironmentVariable(StateMachineArnVariable);
        return string.IsNullOrWhiteSpace(arn)
            ? throw new InvalidOperationException($"environment variable {StateMachineArnVariable} is required")
            : new RemindersOptions { StateMachineArn = arn };
    }
}
