using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EventPipeline.StepFunctions.Local.Api;

/// <summary>
/// The Step Functions API (AWS JSON 1.0: <c>POST /</c>, <c>X-Amz-Target: AWSStepFunctions.{Operation}</c>, signing
/// name <c>states</c>) served by <see cref="LocalStateMachine"/>s: StartExecution, DescribeExecution, StopExecution,
/// ListExecutions and DescribeStateMachine, with the request and response members and the errors of the Step
/// Functions API reference (errors are HTTP 400 <c>{"__type": code, "message": text}</c>).
/// </summary>
/// <remarks>
/// Transport-neutral: a host (the local AWS endpoint, after its SigV4 and IAM checks, or
/// <see cref="StepFunctionsApiMessageHandler"/> in process) hands over the target header and the body and writes back
/// <see cref="StepFunctionsApiResponse"/> with <c>Content-Type: application/x-amz-json-1.0</c>. Timestamps are epoch
/// seconds (JSON numbers, millisecond precision), as the JSON protocols send them.
/// </remarks>
public sealed partial class StepFunctionsApi
{
    /// <summary>Content type of requests and responses.</summary>
    public const string ContentType = "application/x-amz-json-1.0";

    /// <summary>SigV4 service name of Step Functions (what the local endpoint routes on).</summary>
    public const string SigningName = "states";

    /// <summary>Prefix of every <c>X-Amz-Target</c> this API answers.</summary>
    public const string TargetPrefix = "AWSStepFunctions.";

    // ListExecutions: "The default is 100 and the maximum allowed page size is 1000."
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    private static readonly string[] Statuses = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

    private readonly Dictionary<string, LocalStateMachine> _machines = new(StringComparer.Ordinal);

    /// <summary>Serves <paramref name="stateMachines"/>, addressed by their ARNs.</summary>
    public StepFunctionsApi(IEnumerable<LocalStateMachine> stateMachines)
    {
        ArgumentNullException.ThrowIfNull(stateMachines);
        foreach (var machine in stateMachines)
        {
            if (!_machines.TryAdd(machine.StateMachineArn, machine))
            {
                throw new ArgumentException($"two state machines share the ARN {machine.StateMachineArn}", nameof(stateMachines));
            }
        }
    }

    /// <summary>
    /// Answers one request: <paramref name="target"/> is the <c>X-Amz-Target</c> header (e.g.
    /// <c>AWSStepFunctions.StartExecution</c>), <paramref name="body"/> the JSON request body. Never throws for a bad
    /// request: every error is a 400 response in the API's error shape.
    /// </summary>
    public Task<StepFunctionsApiResponse> HandleAsync(string? target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var operation = target is not null && target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;
            using var document = Parse(body);
            var request = document.RootElement;
            var json = operation switch
            {
                "StartExecution" => StartExecution(request),
                "DescribeExecution" => DescribeExecution(request),
                "StopExecution" => StopExecution(request),
                "ListExecutions" => ListExecutions(request),
                "DescribeStateMachine" => DescribeStateMachine(request),
                _ => throw new ApiError("UnknownOperationException", $"Operation '{target}' is not supported by the local Step Functions"),
            };
            return Task.FromResult(new StepFunctionsApiResponse(200, json));
        }
        catch (ApiError e)
        {
            return Task.FromResult(Error(e.Code, e.Message));
        }
        catch (LocalStepFunctionsException e)
        {
            return Task.FromResult(Error(e.ErrorCode, MessageOf(e)));
        }
    }

    private string StartExecution(JsonElement request)
    {
        var machine = Machine(RequiredArn(request, "stateMachineArn"));
        var name = OptionalString(request, "name");
        if (name is not null)
        {
            Length(name, "name", 1, 80);
        }

        var input = OptionalString(request, "input") ?? "{}";
        var start = machine.StartExecution(name, input);
        return Write(w =>
        {
            w.WriteString("executionArn", start.ExecutionArn);
            WriteDate(w, "startDate", start.StartDate);
        });
    }

    private string DescribeExecution(JsonElement request)
    {
        var (machine, arn) = ExecutionOf(request);
        var included = OptionalString(request, "includedData") ?? "ALL_DATA";
        if (included is not ("ALL_DATA" or "METADATA_ONLY"))
        {
            throw Validation($"Value '{included}' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]");
        }

        var withData = included == "ALL_DATA";
        var e = machine.DescribeExecution(arn);
        return Write(w =>
        {
            w.WriteString("executionArn", e.ExecutionArn);
            w.WriteString("stateMachineArn", machine.StateMachineArn);
            w.WriteString("name", e.Name);
            w.WriteString("status", e.Status);
            WriteDate(w, "startDate", e.StartDate);
            if (e.StopDate is { } stop)
            {
                WriteDate(w, "stopDate", stop);
            }

            if (withData)
            {
                w.WriteString("input", e.Input);
            }

            WriteIncluded(w, "inputDetails", withData);
            if (e.Output is not null)
            {
                if (withData)
                {
                    w.WriteString("output", e.Output);
                }

                WriteIncluded(w, "outputDetails", withData);
            }

            if (e.Error is not null)
            {
                w.WriteString("error", e.Error);
            }

            if (e.Cause is not null)
            {
                w.WriteString("cause", e.Cause);
            }
        });
    }

    private string StopExecution(JsonElement request)
    {
        var (machine, arn) = ExecutionOf(request);
        var error = OptionalString(request, "error");
        var cause = OptionalString(request, "cause");
        if (error is not null)
        {
            Length(error, "error", 0, 256);
        }

        if (cause is not null)
        {
            Length(cause, "cause", 0, 32768);
        }

        // Stopping closes the execution (or finds it closed), so it always has a stop date.
        var stopped = machine.StopExecution(arn, error, cause);
        return Write(w => WriteDate(w, "stopDate", stopped.StopDate.GetValueOrDefault()));
    }

    private string ListExecutions(JsonElement request)
    {
        var machine = Machine(RequiredArn(request, "stateMachineArn"));
        var status = OptionalString(request, "statusFilter");
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            throw Validation($"Value '{status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", Statuses)}]");
        }

        var pageSize = OptionalInt(request, "maxResults") ?? 0;
        if (pageSize is < 0 or > MaxPageSize)
        {
            throw Validation($"Value '{pageSize.ToString(CultureInfo.InvariantCulture)}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and {MaxPageSize.ToString(CultureInfo.InvariantCulture)}");
        }

        if (pageSize == 0)
        {
            pageSize = DefaultPageSize;
        }

        // Newest first, as Step Functions lists them; the ARN breaks ties so pages never overlap.
        var all = machine.ListExecutions()
            .Where(e => status is null || e.Status == status)
            .OrderByDescending(e => e.StartDate)
            .ThenBy(e => e.ExecutionArn, StringComparer.Ordinal)
            .ToList();
        var from = 0;
        if (OptionalString(request, "nextToken") is { } token)
        {
            var after = DecodeToken(token);
            var index = all.FindIndex(e => e.ExecutionArn == after);
            if (index < 0)
            {
                throw new ApiError("InvalidToken", $"Invalid Token: '{token}'");
            }

            from = index + 1;
        }

        var page = all.Skip(from).Take(pageSize).ToList();
        var more = from + page.Count < all.Count;
        return Write(w =>
        {
            w.WriteStartArray("executions");
            foreach (var e in page)
            {
                w.WriteStartObject();
                w.WriteString("executionArn", e.ExecutionArn);
                w.WriteString("stateMachineArn", machine.StateMachineArn);
                w.WriteString("name", e.Name);
                w.WriteString("status", e.Status);
                WriteDate(w, "startDate", e.StartDate);
                if (e.StopDate is { } stop)
                {
                    WriteDate(w, "stopDate", stop);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (more)
            {
                w.WriteString("nextToken", EncodeToken(page[^1].ExecutionArn));
            }
        });
    }

    private string DescribeStateMachine(JsonElement request)
    {
        var machine = Machine(RequiredArn(request, "stateMachineArn"));
        return Write(w =>
        {
            w.WriteString("stateMachineArn", machine.StateMachineArn);
            w.WriteString("name", machine.StateMachineName);
            w.WriteString("status", "ACTIVE");
            w.WriteString("definition", machine.Definition);
            w.WriteString("roleArn", machine.RoleArn);
            w.WriteString("type", "STANDARD");
            WriteDate(w, "creationDate", machine.CreationDate);
            w.WriteStartObject("loggingConfiguration");
            w.WriteString("level", "OFF");
            w.WriteBoolean("includeExecutionData", false);
            w.WriteEndObject();
        });
    }

    private LocalStateMachine Machine(string arn)
    {
        if (!StateMachineArnPattern().IsMatch(arn))
        {
            throw new ApiError("InvalidArn", $"Invalid Arn: '{arn}'");
        }

        return _machines.TryGetValue(arn, out var machine)
            ? machine
            : throw new ApiError("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");
    }

    // arn:{partition}:states:{region}:{account}:execution:{machine}:{name} belongs to ...:stateMachine:{machine}.
    private (LocalStateMachine Machine, string ExecutionArn) ExecutionOf(JsonElement request)
    {
        var arn = RequiredArn(request, "executionArn");
        var match = ExecutionArnPattern().Match(arn);
        if (!match.Success)
        {
            throw new ApiError("InvalidArn", $"Invalid Arn: '{arn}'");
        }

        var machineArn = $"{match.Groups["prefix"].Value}:stateMachine:{match.Groups["machine"].Value}";
        return _machines.TryGetValue(machineArn, out var machine)
            ? (machine, arn)
            : throw new ApiError("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new ApiError("SerializationException", "the request body must be a JSON object");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new ApiError("SerializationException", $"the request body is not JSON: {e.Message}");
        }
    }

    private static string RequiredArn(JsonElement request, string member)
    {
        var value = OptionalString(request, member) ?? throw Validation($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
        Length(value, member, 1, 256);
        return value;
    }

    private static string? OptionalString(JsonElement request, string member)
    {
        if (!request.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ApiError("SerializationException", $"'{member}' must be a string");
    }

    private static int? OptionalInt(JsonElement request, string member)
    {
        if (!request.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new ApiError("SerializationException", $"'{member}' must be an integer");
    }

    private static void Length(string value, string member, int min, int max)
    {
        if (value.Length < min)
        {
            throw Validation($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}");
        }

        if (value.Length > max)
        {
            throw Validation($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static ApiError Validation(string constraint) => new("ValidationException", "1 validation error detected: " + constraint);

    // LocalStepFunctionsException's Message is "{code}: {text}"; the wire carries code and text separately.
    private static string MessageOf(LocalStepFunctionsException e)
        => e.Message.StartsWith(e.ErrorCode + ": ", StringComparison.Ordinal) ? e.Message[(e.ErrorCode.Length + 2)..] : e.Message;

    private static StepFunctionsApiResponse Error(string code, string message) => new(400, Write(w =>
    {
        w.WriteString("__type", code);
        w.WriteString("message", message);
    }));

    private static string EncodeToken(string executionArn) => Convert.ToBase64String(Encoding.UTF8.GetBytes(executionArn));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new ApiError("InvalidToken", $"Invalid Token: '{token}'");
        }
    }

    private static void WriteDate(Utf8JsonWriter w, string name, DateTimeOffset value)
        => w.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000m);

    private static void WriteIncluded(Utf8JsonWriter w, string name, bool included)
    {
        w.WriteStartObject(name);
        w.WriteBoolean("included", included);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^:]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StateMachineArnPattern();

    [GeneratedRegex(@"^(?<prefix>arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}):execution:(?<machine>[^:]+):[^:]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ExecutionArnPattern();

    /// <summary>An API error: the code goes to <c>__type</c>, the message to <c>message</c>.</summary>
    private sealed class ApiError(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
