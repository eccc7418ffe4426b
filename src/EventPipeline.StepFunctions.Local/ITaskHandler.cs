using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// Runs one Task state's resource locally (keyed by resource ARN in <see cref="LocalStateMachine"/>). Returns the
/// task's raw result; throws <see cref="StatesErrorException"/> to fail with a named error (any other exception fails
/// with <c>States.TaskFailed</c>).
/// </summary>
public interface ITaskHandler
{
    /// <summary>Invokes the resource with the state's evaluated Parameters.</summary>
    Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>One attempt of a Task state.</summary>
/// <param name="Resource">The state's Resource ARN.</param>
/// <param name="Parameters">The evaluated Parameters (or the effective input when the state has none).</param>
/// <param name="ExecutionArn">The running execution.</param>
/// <param name="StateName">The Task state's name.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, ...</param>
public sealed record TaskInvocation(string Resource, JsonNode? Parameters, string ExecutionArn, string StateName, int Attempt);
