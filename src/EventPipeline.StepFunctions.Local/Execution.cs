using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>Execution status, as Step Functions' DescribeExecution names it.</summary>
public static class ExecutionStatus
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Aborted = "ABORTED";
}

/// <summary>An error of the local StartExecution/DescribeExecution API, with Step Functions' error code.</summary>
public sealed class LocalStepFunctionsException(string errorCode, string message) : Exception($"{errorCode}: {message}")
{
    /// <summary><c>ExecutionAlreadyExists</c>, <c>InvalidName</c>, <c>InvalidExecutionInput</c> or <c>ExecutionDoesNotExist</c>.</summary>
    public string ErrorCode { get; } = errorCode;
}

/// <summary>What StartExecution answers.</summary>
public sealed record LocalExecutionStart(string ExecutionArn, DateTimeOffset StartDate);

/// <summary>One entry of an execution's history.</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="Type">StateEntered, StateExited, TaskScheduled, TaskSucceeded, TaskFailed, TaskRetryScheduled, ExecutionSucceeded, ExecutionFailed, ExecutionAborted.</param>
/// <param name="StateName">The state concerned, if any.</param>
/// <param name="Detail">Input/output JSON or error text.</param>
public sealed record ExecutionHistoryEvent(DateTimeOffset Timestamp, string Type, string? StateName, string? Detail);

/// <summary>A snapshot of an execution (DescribeExecution plus its history).</summary>
public sealed record ExecutionDescription(
    string ExecutionArn,
    string Name,
    string Status,
    string Input,
    string? Output,
    string? Error,
    string? Cause,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    IReadOnlyList<ExecutionHistoryEvent> History)
{
    /// <summary>Names of the states entered, in order (parallel branches interleave).</summary>
    public IReadOnlyList<string> EnteredStates => [.. History.Where(e => e.Type == "StateEntered").Select(e => e.StateName!)];

    /// <summary>How many times the Task state <paramref name="stateName"/> was attempted.</summary>
    public int AttemptsOf(string stateName) => History.Count(e => e.Type == "TaskScheduled" && e.StateName == stateName);
}

/// <summary>Mutable state of one running execution; snapshots are taken under its lock.</summary>
internal sealed class Execution(string arn, string name, string input, JsonNode? parsedInput, DateTimeOffset startDate)
{
    private readonly Lock _gate = new();
    private readonly List<ExecutionHistoryEvent> _history = [];
    private string _status = ExecutionStatus.Running;
    private string? _output;
    private string? _error;
    private string? _cause;
    private DateTimeOffset? _stopDate;

    public string Arn { get; } = arn;

    public string Name { get; } = name;

    public string Input { get; } = input;

    public JsonNode? ParsedInput { get; } = parsedInput;

    public DateTimeOffset StartDate { get; } = startDate;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenSource Cancellation { get; } = new();

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _status == ExecutionStatus.Running;
            }
        }
    }

    public void Record(DateTimeOffset at, string type, string? stateName, string? detail)
    {
        lock (_gate)
        {
            _history.Add(new ExecutionHistoryEvent(at, type, stateName, detail));
        }
    }

    public void Finish(DateTimeOffset at, string status, string? output, string? error, string? cause)
    {
        lock (_gate)
        {
            _status = status;
            _output = output;
            _error = error;
            _cause = cause;
            _stopDate = at;
            _history.Add(new ExecutionHistoryEvent(at, status switch
            {
                ExecutionStatus.Succeeded => "ExecutionSucceeded",
                ExecutionStatus.Aborted => "ExecutionAborted",
                _ => "ExecutionFailed",
            }, null, error is null ? output : $"{error}: {cause}"));
        }

        Completion.TrySetResult();
    }

    public ExecutionDescription Describe()
    {
        lock (_gate)
        {
            return new ExecutionDescription(Arn, Name, _status, Input, _output, _error, _cause, StartDate, _stopDate, [.. _history]);
        }
    }
}
