namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// An error in the Amazon States Language sense: a name (<c>States.Runtime</c>, <c>SesV2.MessageRejectedException</c>, ...)
/// and a cause. Task handlers throw it to fail a task with a specific error name that Retry/Catch can match.
/// </summary>
public class StatesErrorException(string error, string cause) : Exception($"{error}: {cause}")
{
    /// <summary>The error name Retry and Catch match on.</summary>
    public string Error { get; } = error;

    /// <summary>Human-readable cause.</summary>
    public string Cause { get; } = cause;
}
