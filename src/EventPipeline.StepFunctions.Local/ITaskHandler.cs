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
