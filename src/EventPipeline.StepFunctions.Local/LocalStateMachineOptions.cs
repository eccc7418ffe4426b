namespace EventPipeline.StepFunctions.Local;

/// <summary>Settings of a <see cref="LocalStateMachine"/>.</summary>
public sealed class LocalStateMachineOptions
{
    /// <summary>The ARN executions are named under (<c>...:stateMachine:{name}</c>).</summary>
    public string StateMachineArn { get; init; } = "arn:aws:states:us-east-1:000000000000:stateMachine:reminders";

    /// <summary>
    /// The state machine's execution role, as DescribeStateMachine reports it; null derives
    /// <c>arn:{partition}:iam::{account}:role/{name}</c> from <see cref="StateMachineArn"/>. The local stack signs the
    /// task integrations' calls with this role's credentials (see <c>ServiceIntegrationEndpoints</c>).
    /// </summary>
    public string? RoleArn { get; init; }

    /// <summary>Clock for timestamps, Wait states and retry intervals.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Factor applied to every wait and retry interval: 1 is real time, 0.001 turns a 60 s wait into 60 ms (tests and demos).
    /// </summary>
    public double TimeScale { get; init; } = 1.0;
}
