using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Lambda;

/// <summary>
/// Structured logger: one JSON object per line (<c>timestamp</c>, <c>level</c>, <c>message</c>, <c>requestId</c>, then
/// correlation fields such as tenant, source, dedupId, shardId, sequenceNumber, connectionId, executionId).
/// Levels are written as Lambda's JSON log format names them (DEBUG, INFO, WARN, ERROR) so Lambda's application-log-level
/// filter and CloudWatch Logs Insights understand them. Fields whose name looks secret are written as <c>"***"</c>.
/// Thread-safe; built with Utf8JsonWriter (no reflection).
/// </summary>
public sealed class LambdaLog
{
    /// <summary>The value written instead of a secret field's value.</summary>
    public const string RedactedValue = "***";

    private static readonly string[] SecretNameParts = ["secret", "token", "password", "signature", "authorization"];
    private static readonly string[] ReservedNames = ["timestamp", "level", "message", "requestId"];

    private readonly Sink _sink;

    /// <summary>A logger writing to <paramref name="writer"/> at or above <paramref name="minimumLevel"/>.</summary>
    /// <param name="writer">Usually <see cref="Console.Out"/>; a <see cref="StringWriter"/> in tests.</param>
    /// <param name="minimumLevel">Lines below this level are skipped.</param>
    /// <param name="clock">Source of the <c>timestamp</c> field; the system clock by default.</param>
    public LambdaLog(TextWriter writer, LambdaLogLevel minimumLevel = LambdaLogLevel.Information, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _sink = new Sink(writer, clock ?? TimeProvider.System);
        MinimumLevel = minimumLevel;
    }

    private LambdaLog(Sink sink, LambdaLogLevel minimumLevel, string? requestId)
    {
        _sink = sink;
        MinimumLevel = minimumLevel;
        RequestId = requestId;
    }

    /// <summary>Lines below this level are skipped.</summary>
    public LambdaLogLevel MinimumLevel { get; }

    /// <summary>Written as <c>requestId</c> on every line (null: the member is omitted).</summary>
    public string? RequestId { get; }

    /// <summary>
    /// A logger on stdout (or <paramref name="writer"/>) whose level comes from <c>LOG_LEVEL</c>, else Lambda's
    /// <c>AWS_LAMBDA_LOG_LEVEL</c>, else Information. An unrecognised value is reported in a Warning line.
    /// </summary>
    public static LambdaLog FromEnvironment(TextWriter? writer = null, TimeProvider? clock = null, Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var raw = read("LOG_LEVEL");
        var name = "LOG_LEVEL";
        if (string.IsNullOrWhiteSpace(raw))
        {
            raw = read("AWS_LAMBDA_LOG_LEVEL");
            name = "AWS_LAMBDA_LOG_LEVEL";
        }

        var known = TryParseLevel(raw, out var level);
        var log = new LambdaLog(writer ?? Console.Out, known ? level : LambdaLogLevel.Information, clock);
        if (!known && !string.IsNullOrWhiteSpace(raw))
        {
            log.Warning($"{name} is not one of Debug, Information, Warning, Error; using Information.", ("value", raw));
        }

        return log;
    }

    /// <summary>
    /// Parses a level name, case-insensitively: Debug, Information, Warning, Error, and Lambda's names
    /// (TRACE and DEBUG → Debug, INFO, WARN, ERROR and FATAL → Error). Null or blank → Information, true.
    /// </summary>
    public static bool TryParseLevel(string? value, out LambdaLogLevel level)
    {
        level = LambdaLogLevel.Information;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        switch (value.Trim().ToUpperInvariant())
        {
            case "TRACE" or "DEBUG":
                level = LambdaLogLevel.Debug;
                return true;
            case "INFO" or "INFORMATION":
                level = LambdaLogLevel.Information;
                return true;
            case "WARN" or "WARNING":
                level = LambdaLogLevel.Warning;
                return true;
            case "ERROR" or "FATAL" or "CRITICAL":
                level = LambdaLogLevel.Error;
                return true;
            default:
                return false;
        }
    }

    /// <summary>True when a field of this name is written as <see cref="RedactedValue"/> (name contains secret, token, password, signature or authorization).</summary>
    public static bool IsSecretField(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var part in SecretNameParts)
        {
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The same logger (same writer and level) stamping <paramref name="requestId"/> on every line.</summary>
    public LambdaLog WithRequestId(string? requestId) => new(_sink, MinimumLevel, requestId);

    /// <summary>The same logger at another threshold.</summary>
    public LambdaLog WithMinimumLevel(LambdaLogLevel minimumLevel) => new(_sink, minimumLevel, RequestId);

    /// <summary>True when lines of <paramref name="level"/> are written.</summary>
    public bool IsEnabled(LambdaLogLevel level) => level >= MinimumLevel;

    /// <summary>Writes a Debug line.</summary>
    public void Debug(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        Write(LambdaLogLevel.Debug, message, null, fields);

    /// <summary>Writes an Information line.</summary>
    public void Information(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        Write(LambdaLogLevel.Information, message, null, fields);

    /// <summary>Writes a Warning line.</summary>
    public void Warning(string message, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        Write(LambdaLogLevel.Warning, message, null, fields);

    /// <summary>Writes an Error line; with an exception, adds <c>errorType</c>, <c>errorMessage</c> and <c>stackTrace</c>.</summary>
    public void Error(string message, Exception? exception = null, params ReadOnlySpan<(string Name, object? Value)> fields) =>
        Write(LambdaLogLevel.Error, message, exception, fields);

    /// <summary>
    /// Writes one line if <paramref name="level"/> is enabled. Field values: strings, numbers, booleans, DateTimeOffset,
    /// DateTime and null are written as JSON; anything else as its invariant ToString(). A field named like a top-level
    /// member (timestamp, level, message, requestId) is written as <c>field.{name}</c> so no member is duplicated.
    /// </summary>
    public void Write(LambdaLogLevel level, string message, Exception? exception, params ReadOnlySpan<(string Name, object? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsEnabled(level))
        {
            return;
        }

        lock (_sink)
        {
            var w = _sink.BeginLine();
            w.WriteStartObject();
            w.WriteString("timestamp", _sink.Clock.GetUtcNow().UtcDateTime);
            w.WriteString("level", LevelName(level));
            w.WriteString("message", message);
            if (RequestId is not null)
            {
                w.WriteString("requestId", RequestId);
            }

            foreach (var (name, value) in fields)
            {
                if (string.IsNullOrEmpty(name))
                {
                    continue;
                }

                var property = Array.IndexOf(ReservedNames, name) >= 0 ? "field." + name : name;
                if (IsSecretField(name))
                {
                    w.WriteString(property, RedactedValue);
                }
                else
                {
                    WriteValue(w, property, value);
                }
            }

            if (exception is not null)
            {
                w.WriteString("errorType", exception.GetType().Name);
                w.WriteString("errorMessage", exception.Message);
                w.WriteStartArray("stackTrace");
                foreach (var line in LambdaRuntime.StackLines(exception))
                {
                    w.WriteStringValue(line);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            _sink.EndLine();
        }
    }

    private static string LevelName(LambdaLogLevel level) => level switch
    {
        LambdaLogLevel.Debug => "DEBUG",
        LambdaLogLevel.Information => "INFO",
        LambdaLogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    private static void WriteValue(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNull(name);
                break;
            case string s:
                w.WriteString(name, s);
                break;
            case bool b:
                w.WriteBoolean(name, b);
                break;
            case int i:
                w.WriteNumber(name, i);
                break;
            case long l:
                w.WriteNumber(name, l);
                break;
            case double d when double.IsFinite(d):
                w.WriteNumber(name, d);
                break;
            case decimal m:
                w.WriteNumber(name, m);
                break;
            case DateTimeOffset dto:
                w.WriteString(name, dto);
                break;
            case DateTime dt:
                w.WriteString(name, dt);
                break;
            case TimeSpan ts:
                w.WriteNumber(name, ts.TotalMilliseconds);
                break;
            case IFormattable f:
                w.WriteString(name, f.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteString(name, value.ToString());
                break;
        }
    }

    /// <summary>Writer, clock and reusable buffers shared by a logger and the copies made by WithRequestId/WithMinimumLevel.</summary>
#pragma warning disable CA1001 // The Utf8JsonWriter writes to an in-memory buffer (nothing to release) and lives as long as the logger.
    private sealed class Sink(TextWriter writer, TimeProvider clock)
    {
        private readonly ArrayBufferWriter<byte> _bytes = new(1024);
        private char[] _chars = new char[1024];
        private Utf8JsonWriter? _json;

        public TimeProvider Clock { get; } = clock;

#pragma warning restore CA1001

        public Utf8JsonWriter BeginLine()
        {
            _bytes.ResetWrittenCount();
            if (_json is null)
            {
                // Relaxed escaping keeps '+' and non-ASCII text readable in CloudWatch; output is a log line, never HTML.
                _json = new Utf8JsonWriter(_bytes, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            }
            else
            {
                _json.Reset(_bytes);
            }

            return _json;
        }

        public void EndLine()
        {
            _json!.Flush();
            var bytes = _bytes.WrittenSpan;
            // +1 for the newline, so each line goes out in a single Write and concurrent writers cannot split it.
            var needed = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1;
            if (_chars.Length < needed)
            {
                _chars = new char[Math.Max(needed, _chars.Length * 2)];
            }

            var count = Encoding.UTF8.GetChars(bytes, _chars);
            _chars[count] = '\n';
            writer.Write(_chars, 0, count + 1);
            writer.Flush();
        }
    }
}
