using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// Runs an Amazon States Language definition in process: Pass, Task, Choice, Wait, Parallel, Succeed and Fail states;
/// InputPath, Parameters, ResultSelector, ResultPath, OutputPath; Retry and Catch. Task resources are dispatched to
/// <see cref="ITaskHandler"/>s by resource ARN. Not supported (not used by our definitions): Map, TimeoutSeconds and
/// HeartbeatSeconds, JSONata, variables (Assign).
/// StartExecution follows Step Functions for Standard workflows: the same name and input while the execution is
/// open returns the same execution; a different input, or any input once it has closed, is ExecutionAlreadyExists.
/// </summary>
public sealed class LocalStateMachine : IAsyncDisposable
{
    private static readonly System.Buffers.SearchValues<char> ForbiddenNameChars = System.Buffers.SearchValues.Create(" <>{}[]?*\"#%\\^|~`$&,;:/");

    private readonly JsonObject _definition;
    private readonly IReadOnlyDictionary<string, ITaskHandler> _handlers;
    private readonly LocalStateMachineOptions _options;
    private readonly Dictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Creates a state machine from <paramref name="definitionJson"/> (placeholders already rendered).</summary>
    public LocalStateMachine(string definitionJson, IReadOnlyDictionary<string, ITaskHandler> handlers, LocalStateMachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definitionJson);
        _definition = JsonNode.Parse(definitionJson) as JsonObject ?? throw new ArgumentException("definition must be a JSON object", nameof(definitionJson));
        var problems = DefinitionValidator.Validate(_definition);
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid definition: " + string.Join("; ", problems), nameof(definitionJson));
        }

        _handlers = handlers ?? throw new ArgumentNullException(nameof(handlers));
        _options = options ?? new LocalStateMachineOptions();
        if (_options.TimeScale < 0 || double.IsNaN(_options.TimeScale))
        {
            throw new ArgumentException("TimeScale must be zero or positive", nameof(options));
        }

        Definition = definitionJson;
        CreationDate = _options.Clock.GetUtcNow();
        var arn = _options.StateMachineArn.Split(':');
        StateMachineName = arn[^1];
        RoleArn = _options.RoleArn ?? (arn.Length >= 7 ? $"arn:{arn[1]}:iam::{arn[4]}:role/{StateMachineName}" : $"arn:aws:iam::000000000000:role/{StateMachineName}");
    }

    /// <summary>The state machine's ARN.</summary>
    public string StateMachineArn => _options.StateMachineArn;

    /// <summary>The state machine's name: the last part of its ARN.</summary>
    public string StateMachineName { get; }

    /// <summary>The definition as given (DescribeStateMachine returns it verbatim).</summary>
    public string Definition { get; }

    /// <summary>The execution role (<see cref="LocalStateMachineOptions.RoleArn"/>).</summary>
    public string RoleArn { get; }

    /// <summary>When this state machine was created.</summary>
    public DateTimeOffset CreationDate { get; }

    /// <summary>
    /// Starts an execution named <paramref name="name"/> (a new GUID when null) and returns at once; the execution runs
    /// in the background. Throws <see cref="LocalStepFunctionsException"/> (ExecutionAlreadyExists, InvalidName, InvalidExecutionInput).
    /// </summary>
    public LocalExecutionStart StartExecution(string? name, string inputJson)
    {
        name ??= Guid.NewGuid().ToString();
        if (name.Length is 0 or > 80 || name.AsSpan().IndexOfAny(ForbiddenNameChars) >= 0 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new LocalStepFunctionsException("InvalidName", "name must be 1-80 characters without whitespace, brackets, wildcards or special characters");
        }

        JsonNode? input;
        try
        {
            input = JsonNode.Parse(string.IsNullOrEmpty(inputJson) ? "{}" : inputJson);
        }
        catch (JsonException)
        {
            throw new LocalStepFunctionsException("InvalidExecutionInput", "input must be JSON");
        }

        var arn = ExecutionArnFor(name);
        lock (_gate)
        {
            if (_executions.TryGetValue(arn, out var existing))
            {
                if (existing.IsRunning && string.Equals(existing.Input, inputJson, StringComparison.Ordinal))
                {
                    return new LocalExecutionStart(existing.Arn, existing.StartDate);
                }

                throw new LocalStepFunctionsException("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
            }

            var execution = new Execution(arn, name, inputJson, input, _options.Clock.GetUtcNow());
            _executions[arn] = execution;
            _running.Add(Task.Run(() => RunExecutionAsync(execution)));
            return new LocalExecutionStart(arn, execution.StartDate);
        }
    }

    /// <summary>The execution ARN a name maps to.</summary>
    public string ExecutionArnFor(string name)
    {
        var arn = _options.StateMachineArn;
        var marker = arn.IndexOf(":stateMachine:", StringComparison.Ordinal);
        return marker < 0
            ? $"{arn}:{name}"
            : $"{arn[..marker]}:execution:{arn[(marker + ":stateMachine:".Length)..]}:{name}";
    }

    /// <summary>A snapshot of the execution; throws ExecutionDoesNotExist.</summary>
    public ExecutionDescription DescribeExecution(string executionArn) => Find(executionArn).Describe();

    /// <summary>
    /// Stops a running execution as Step Functions' StopExecution does: it closes at once as ABORTED with
    /// <paramref name="error"/> and <paramref name="cause"/>, and its run is cancelled. A closed execution is left as it
    /// is. Returns its description; throws ExecutionDoesNotExist.
    /// </summary>
    public ExecutionDescription StopExecution(string executionArn, string? error = null, string? cause = null)
    {
        var execution = Find(executionArn);
        if (execution.Finish(_options.Clock.GetUtcNow(), ExecutionStatus.Aborted, null, error, cause))
        {
            execution.Cancellation.Cancel();
        }

        return execution.Describe();
    }

    /// <summary>Every execution started, oldest first.</summary>
    public IReadOnlyList<ExecutionDescription> ListExecutions()
    {
        lock (_gate)
        {
            return [.. _executions.Values.OrderBy(e => e.StartDate).Select(e => e.Describe())];
        }
    }

    /// <summary>Completes when the execution has stopped, with its final description.</summary>
    public async Task<ExecutionDescription> WaitForCompletionAsync(string executionArn, CancellationToken cancellationToken)
    {
        var execution = Find(executionArn);
        await execution.Completion.Task.WaitAsync(cancellationToken);
        return execution.Describe();
    }

    /// <summary>Aborts running executions and waits for them to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate)
        {
            foreach (var e in _executions.Values)
            {
                e.Cancellation.Cancel();
            }

            running = [.. _running];
        }

        await Task.WhenAll(running);
        lock (_gate)
        {
            foreach (var e in _executions.Values)
            {
                e.Cancellation.Dispose();
            }
        }
    }

    private Execution Find(string executionArn)
    {
        lock (_gate)
        {
            return _executions.TryGetValue(executionArn, out var e)
                ? e
                : throw new LocalStepFunctionsException("ExecutionDoesNotExist", $"Execution does not exist: '{executionArn}'");
        }
    }

    private async Task RunExecutionAsync(Execution execution)
    {
        var ct = execution.Cancellation.Token;
        try
        {
            var output = await RunStatesAsync(_definition, execution.ParsedInput?.DeepClone(), execution, ct);
            execution.Finish(_options.Clock.GetUtcNow(), ExecutionStatus.Succeeded, output?.ToJsonString() ?? "null", null, null);
        }
        catch (StatesErrorException e)
        {
            execution.Finish(_options.Clock.GetUtcNow(), ExecutionStatus.Failed, null, e.Error, e.Cause);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            execution.Finish(_options.Clock.GetUtcNow(), ExecutionStatus.Aborted, null, null, null);
        }
#pragma warning disable CA1031 // A bug in a handler must fail the one execution, not the host running the local stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            execution.Finish(_options.Clock.GetUtcNow(), ExecutionStatus.Failed, null, StatesErrors.Runtime, e.Message);
        }
    }

    private async Task<JsonNode?> RunStatesAsync(JsonObject machine, JsonNode? input, Execution execution, CancellationToken ct)
    {
        var states = (JsonObject)machine["States"]!;
        var name = machine["StartAt"]!.GetValue<string>();
        var data = input;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var state = (JsonObject)states[name]!;
            var entered = _options.Clock.GetUtcNow();
            execution.Record(entered, "StateEntered", name, data?.ToJsonString());
            var context = Context(execution, name, entered, 0);
            var (output, next) = await RunStateAsync(name, state, data, execution, context, ct);
            execution.Record(_options.Clock.GetUtcNow(), "StateExited", name, output?.ToJsonString());
            if (next is null)
            {
                return output;
            }

            data = output;
            name = next;
        }
    }

    private async Task<(JsonNode? Output, string? Next)> RunStateAsync(
        string name, JsonObject state, JsonNode? raw, Execution execution, JsonObject context, CancellationToken ct)
    {
        var type = state["Type"]!.GetValue<string>();
        switch (type)
        {
            case "Pass":
            {
                var effective = ApplyInputPath(state, raw, context);
                if (state["Parameters"] is { } parameters)
                {
                    effective = PayloadTemplate.Apply(parameters, effective, context);
                }

                var result = state.TryGetPropertyValue("Result", out var fixedResult) ? fixedResult?.DeepClone() : effective;
                var output = ApplyResultPath(state["ResultPath"], state.ContainsKey("ResultPath"), raw, result);
                return (ApplyOutputPath(state, output, context), NextOf(state));
            }

            case "Wait":
            {
                var effective = ApplyInputPath(state, raw, context);
                await DelayAsync(WaitTime(state, effective), ct);
                return (ApplyOutputPath(state, effective, context), NextOf(state));
            }

            case "Choice":
            {
                var effective = ApplyInputPath(state, raw, context);
                string? next = null;
                foreach (var choice in state["Choices"]!.AsArray())
                {
                    var rule = (JsonObject)choice!;
                    if (ChoiceRules.Evaluate(rule, effective, context))
                    {
                        next = rule["Next"]!.GetValue<string>();
                        break;
                    }
                }

                next ??= state["Default"]?.GetValue<string>()
                    ?? throw new StatesErrorException(StatesErrors.NoChoiceMatched, $"No Choice Rule matched and there was no Default in state '{name}'");
                return (ApplyOutputPath(state, effective, context), next);
            }

            case "Succeed":
                return (ApplyOutputPath(state, ApplyInputPath(state, raw, context), context), null);

            case "Fail":
            {
                var error = state["Error"]?.GetValue<string>() ?? TextOf(state["ErrorPath"], raw, context) ?? "States.Failed";
                var cause = state["Cause"]?.GetValue<string>() ?? TextOf(state["CausePath"], raw, context) ?? "";
                throw new StatesErrorException(error, cause);
            }

            case "Task":
            case "Parallel":
                return await RunWithRetryAndCatchAsync(name, type, state, raw, execution, context, ct);

            default:
                throw new StatesErrorException(StatesErrors.Runtime, $"State type '{type}' is not supported by the local executor");
        }
    }

    private async Task<(JsonNode? Output, string? Next)> RunWithRetryAndCatchAsync(
        string name, string type, JsonObject state, JsonNode? raw, Execution execution, JsonObject context, CancellationToken ct)
    {
        var retriers = state["Retry"]?.AsArray().Select(r => (JsonObject)r!).ToArray() ?? [];
        var retryCounts = new int[retriers.Length];
        var attempt = 0;
        while (true)
        {
            attempt++;
            context["State"]!["RetryCount"] = attempt - 1;
            try
            {
                var effective = ApplyInputPath(state, raw, context);
                var parameters = state["Parameters"] is { } template ? PayloadTemplate.Apply(template, effective, context) : effective;
                JsonNode? result;
                if (type == "Task")
                {
                    result = await InvokeTaskAsync(name, state, parameters, execution, attempt, ct);
                }
                else
                {
                    result = await RunBranchesAsync(state, parameters, execution, ct);
                }

                if (state["ResultSelector"] is { } selector)
                {
                    result = PayloadTemplate.Apply(selector, result, context);
                }

                var output = ApplyResultPath(state["ResultPath"], state.ContainsKey("ResultPath"), raw, result);
                return (ApplyOutputPath(state, output, context), NextOf(state));
            }
            catch (StatesErrorException e) when (e.Error != StatesErrors.Runtime)
            {
                if (type == "Task")
                {
                    execution.Record(_options.Clock.GetUtcNow(), "TaskFailed", name, $"{e.Error}: {e.Cause}");
                }

                var retrierIndex = Array.FindIndex(retriers, r => ErrorsOf(r).Any(p => StatesErrors.Matches(p, e.Error)));
                if (retrierIndex >= 0)
                {
                    var retrier = retriers[retrierIndex];
                    var maxAttempts = retrier["MaxAttempts"]?.GetValue<int>() ?? 3;
                    if (retryCounts[retrierIndex] < maxAttempts)
                    {
                        var interval = retrier["IntervalSeconds"]?.GetValue<double>() ?? 1;
                        var backoff = retrier["BackoffRate"]?.GetValue<double>() ?? 2.0;
                        var seconds = interval * Math.Pow(backoff, retryCounts[retrierIndex]);
                        if (retrier["MaxDelaySeconds"]?.GetValue<double>() is { } max)
                        {
                            seconds = Math.Min(seconds, max);
                        }

                        retryCounts[retrierIndex]++;
                        execution.Record(_options.Clock.GetUtcNow(), "TaskRetryScheduled", name,
                            $"{e.Error}; retry {retryCounts[retrierIndex].ToString(CultureInfo.InvariantCulture)} in {seconds.ToString(CultureInfo.InvariantCulture)} s");
                        await DelayAsync(TimeSpan.FromSeconds(seconds), ct);
                        continue;
                    }
                }

                foreach (var catcherNode in state["Catch"]?.AsArray() ?? [])
                {
                    var catcher = (JsonObject)catcherNode!;
                    if (ErrorsOf(catcher).Any(p => StatesErrors.Matches(p, e.Error)))
                    {
                        var errorOutput = new JsonObject { ["Error"] = e.Error, ["Cause"] = e.Cause };
                        var output = ApplyResultPath(catcher["ResultPath"], catcher.ContainsKey("ResultPath"), raw, errorOutput);
                        execution.Record(_options.Clock.GetUtcNow(), "ErrorCaught", name, e.Error);
                        return (output, catcher["Next"]!.GetValue<string>());
                    }
                }

                throw;
            }
        }
    }

    private async Task<JsonNode?> InvokeTaskAsync(string name, JsonObject state, JsonNode? parameters, Execution execution, int attempt, CancellationToken ct)
    {
        var resource = state["Resource"]!.GetValue<string>();
        if (!_handlers.TryGetValue(resource, out var handler))
        {
            throw new StatesErrorException(StatesErrors.Runtime, $"No local handler for resource '{resource}'");
        }

        execution.Record(_options.Clock.GetUtcNow(), "TaskScheduled", name, parameters?.ToJsonString());
        JsonNode? result;
        try
        {
            result = await handler.InvokeAsync(new TaskInvocation(resource, parameters, execution.Arn, name, attempt), ct);
        }
        catch (StatesErrorException)
        {
            throw;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any handler exception is a task failure the definition's Retry/Catch decide about.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new StatesErrorException(StatesErrors.TaskFailed, e.Message);
        }

        execution.Record(_options.Clock.GetUtcNow(), "TaskSucceeded", name, result?.ToJsonString());
        return result;
    }

    private async Task<JsonNode?> RunBranchesAsync(JsonObject state, JsonNode? input, Execution execution, CancellationToken ct)
    {
        var branches = state["Branches"]!.AsArray().Select(b => (JsonObject)b!).ToArray();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        StatesErrorException? firstError = null;
        var tasks = branches.Select(async branch =>
        {
            try
            {
                return await RunStatesAsync(branch, input?.DeepClone(), execution, cts.Token);
            }
            catch (StatesErrorException e)
            {
                // The first failing branch fails the Parallel state; the others are stopped, as Step Functions does.
                Interlocked.CompareExchange(ref firstError, e, null);
                await cts.CancelAsync();
                throw;
            }
        }).ToArray();

        try
        {
            var results = await Task.WhenAll(tasks);
            var array = new JsonArray();
            foreach (var r in results)
            {
                array.Add(r);
            }

            return array;
        }
        catch (Exception) when (firstError is not null && !ct.IsCancellationRequested)
        {
            throw firstError.Error == StatesErrors.Runtime
                ? firstError
                : new StatesErrorException(firstError.Error, firstError.Cause);
        }
    }

    private TimeSpan WaitTime(JsonObject state, JsonNode? effective)
    {
        if (state["Seconds"] is { } seconds)
        {
            return TimeSpan.FromSeconds(seconds.GetValue<long>());
        }

        if (state["Timestamp"] is { } timestamp)
        {
            return Until(timestamp);
        }

        if (state["SecondsPath"]?.GetValue<string>() is { } secondsPath)
        {
            var value = JsonPath.Parse(secondsPath).Select(effective);
            if (!JsonNumbers.TryDecimal(value, out var number) || !decimal.IsInteger(number) || number < 0)
            {
                throw new StatesErrorException(StatesErrors.Runtime, $"The SecondsPath '{secondsPath}' must point to a non-negative integer");
            }

            return TimeSpan.FromSeconds((double)number);
        }

        if (state["TimestampPath"]?.GetValue<string>() is { } timestampPath)
        {
            return Until(JsonPath.Parse(timestampPath).Select(effective));
        }

        throw new StatesErrorException(StatesErrors.Runtime, "A Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath");

        TimeSpan Until(JsonNode? node)
        {
            if (!ChoiceRules.TryTimestamp(node, out var at))
            {
                throw new StatesErrorException(StatesErrors.Runtime, "The Wait timestamp must be an RFC 3339 timestamp such as 2024-08-18T17:33:00Z");
            }

            var left = at - _options.Clock.GetUtcNow();
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    private Task DelayAsync(TimeSpan duration, CancellationToken ct)
    {
        var scaled = TimeSpan.FromTicks((long)(duration.Ticks * _options.TimeScale));
        return scaled <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(scaled, _options.Clock, ct);
    }

    private JsonObject Context(Execution execution, string stateName, DateTimeOffset entered, int retryCount)
    {
        return new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = execution.Arn,
                ["Name"] = execution.Name,
                ["StartTime"] = execution.StartDate.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["Input"] = execution.ParsedInput?.DeepClone(),
            },
            ["StateMachine"] = new JsonObject { ["Id"] = _options.StateMachineArn, ["Name"] = StateMachineName },
            ["State"] = new JsonObject
            {
                ["Name"] = stateName,
                ["EnteredTime"] = entered.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["RetryCount"] = retryCount,
            },
        };
    }

    private static IEnumerable<string> ErrorsOf(JsonObject retrierOrCatcher)
        => retrierOrCatcher["ErrorEquals"]?.AsArray().Select(e => e!.GetValue<string>()) ?? [];

    private static string? NextOf(JsonObject state) => state["End"]?.GetValue<bool>() == true ? null : state["Next"]?.GetValue<string>();

    private static string? TextOf(JsonNode? pathNode, JsonNode? input, JsonNode? context)
    {
        if (pathNode?.GetValue<string>() is not { } expression)
        {
            return null;
        }

        var value = PayloadTemplate.Evaluate(expression, input, context);
        return value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString();
    }

    /// <summary>InputPath: absent means <c>$</c>; JSON null means an empty object.</summary>
    internal static JsonNode? ApplyInputPath(JsonObject state, JsonNode? raw, JsonNode? context)
        => SelectOrEmpty(state, "InputPath", raw, context);

    /// <summary>OutputPath: absent means <c>$</c>; JSON null means an empty object.</summary>
    internal static JsonNode? ApplyOutputPath(JsonObject state, JsonNode? output, JsonNode? context)
        => SelectOrEmpty(state, "OutputPath", output, context);

    /// <summary>ResultPath: absent means <c>$</c> (the result replaces the input); null discards the result; a path places it in a copy of the raw input.</summary>
    internal static JsonNode? ApplyResultPath(JsonNode? resultPathNode, bool present, JsonNode? raw, JsonNode? result)
    {
        if (!present)
        {
            return result;
        }

        if (resultPathNode is null)
        {
            return raw?.DeepClone();
        }

        return JsonPath.Parse(resultPathNode.GetValue<string>()).SetInCopy(raw, result);
    }

    private static JsonNode? SelectOrEmpty(JsonObject state, string field, JsonNode? data, JsonNode? context)
    {
        if (!state.TryGetPropertyValue(field, out var pathNode))
        {
            return data;
        }

        if (pathNode is null)
        {
            return new JsonObject();
        }

        var path = JsonPath.Parse(pathNode.GetValue<string>());
        return path.Select(path.IsContext ? context : data);
    }
}
