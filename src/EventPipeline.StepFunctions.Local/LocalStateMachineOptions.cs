namespace EventPipeline.StepFunctions.Local;

/// <summary>Settings of a <see cref="LocalStateMachine"/>.</summary>
public sealed class LocalStateMachineOptions
{
    /// <summary>The ARN executions are named under (<c>...:stateMachine:{name}</c>).</summary>
    public string StateMachineArn { get; init; } = "arn:aws:states:us-east-1:000000000000:stateMachine:reminders";

    /// <summary>Clock for timestamps, Wait states and retry intervals.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Factor applied to every wait and retry interval: 1 is real time, 0.001 turns a 60 s wait into 60 ms (tests and demos).
    /// </summary>
    public double TimeScale { get; init; } = 1.0;
}
