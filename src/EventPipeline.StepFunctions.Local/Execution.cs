using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

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

    /// <summary>
    /// Closes the execution; the first close wins, so an execution stopped by StopExecution stays ABORTED with the
    /// stop's error and cause when its run then unwinds. Returns whether this call closed it.
    /// </summary>
    public bool Finish(DateTimeOffset at, string status, string? output, string? error, string? cause)
    {
        lock (_gate)
        {
            if (_status != ExecutionStatus.Running)
            {
                return false;
            }

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
        return true;
    }

    public ExecutionDescription Describe()
    {
        lock (_gate)
        {
            return new ExecutionDescription(Arn, Name, _status, Input, _output, _error, _cause, StartDate, _stopDate, [.. _history]);
        }
    }
}
