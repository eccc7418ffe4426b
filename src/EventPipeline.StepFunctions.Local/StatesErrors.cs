namespace EventPipeline.StepFunctions.Local;

/// <summary>Predefined error names of the Amazon States Language.</summary>
public static class StatesErrors
{
    /// <summary>Wildcard matching every error except <see cref="Runtime"/>.</summary>
    public const string All = "States.ALL";

    /// <summary>Matches any error raised by a task (everything but the predefined <c>States.*</c> errors other than itself).</summary>
    public const string TaskFailed = "States.TaskFailed";

    /// <summary>A bad path, type or definition at run time; never retried or caught.</summary>
    public const string Runtime = "States.Runtime";

    /// <summary>A Choice state matched no rule and has no Default.</summary>
    public const string NoChoiceMatched = "States.NoChoiceMatched";

    /// <summary>An intrinsic function failed.</summary>
    public const string IntrinsicFailure = "States.IntrinsicFailure";

    /// <summary>A Parallel branch failed.</summary>
    public const string BranchFailed = "States.BranchFailed";

    /// <summary>Whether a Retry/Catch <c>ErrorEquals</c> entry matches <paramref name="error"/>.</summary>
    public static bool Matches(string pattern, string error)
    {
        if (error == Runtime)
        {
            // The spec: States.Runtime is not retriable and States.ALL does not catch it.
            return pattern == Runtime;
        }

        if (pattern == All || pattern == error)
        {
            return true;
        }

        return pattern == TaskFailed && !error.StartsWith("States.", StringComparison.Ordinal);
    }
}
