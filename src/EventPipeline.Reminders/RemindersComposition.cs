using EventPipeline.Aws.Clients;

namespace EventPipeline.Reminders;

/// <summary>Builds the Reminders function once per cold start (AWS) or once per local stack.</summary>
public static class RemindersComposition
{
    /// <summary>Wires <see cref="RemindersFunction"/> from its dependencies.</summary>
    public static RemindersFunction Create(
        IStepFunctionsClient stepFunctions,
        IIdempotencyStore idempotency,
        RemindersOptions options,
        TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(stepFunctions);
        ArgumentNullException.ThrowIfNull(idempotency);
        ArgumentNullException.ThrowIfNull(options);
        return new RemindersFunction(stepFunctions, idempotency, options, clock ?? TimeProvider.System);
    }
}
