using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>Where the local stack's notifications land instead of SES and SNS.</summary>
public interface IOutbox
{
    /// <summary>Records one notification.</summary>
    Task AppendAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>Every notification recorded so far, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>Notification channels.</summary>
public static class OutboxChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>A notification the workflow sent.</summary>
/// <param name="Time">When it was sent.</param>
/// <param name="ExecutionId">The execution ARN that sent it.</param>
/// <param name="Channel"><c>email</c> or <c>sms</c>.</param>
/// <param name="To">Email address or E.164 phone number.</param>
/// <param name="Subject">Email subject; null for SMS.</param>
/// <param name="Message">The text.</param>
public sealed record OutboxEntry(DateTimeOffset Time, string ExecutionId, string Channel, string To, string? Subject, string Message)
{
    /// <summary>One JSON object (a JSON-lines line, without the newline).</summary>
    public string ToJson()
    {
        var obj = new JsonObject
        {
            ["time"] = Time.ToString("O", CultureInfo.InvariantCulture),
            ["executionId"] = ExecutionId,
            ["channel"] = Channel,
            ["to"] = To,
            ["subject"] = Subject,
            ["message"] = Message,
        };
        return obj.ToJsonString();
    }

    /// <summary>Parses what <see cref="ToJson"/> wrote.</summary>
    public static OutboxEntry FromJson(string line)
    {
        var obj = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("an outbox line must be a JSON object");
        return new OutboxEntry(
            DateTimeOffset.Parse(Required(obj, "time"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            Required(obj, "executionId"),
            Required(obj, "channel"),
            Required(obj, "to"),
            obj["subject"]?.GetValue<string>(),
            Required(obj, "message"));
    }

    private static string Required(JsonObject obj, string name)
        => obj[name]?.GetValue<string>() ?? throw new FormatException($"outbox field '{name}' is required");
}

/// <summary>An outbox in memory (tests).</summary>
public sealed class InMemoryOutbox : IOutbox
{
    private readonly List<OutboxEntry> _entries = [];
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public Task AppendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>([.. _entries]);
        }
    }
}

/// <summary>
/// An outbox in a JSON-lines file (one <see cref="OutboxEntry.ToJson"/> per line), e.g. <c>{localDataDir}/outbox.jsonl</c>,
/// so a developer can <c>tail -f</c> what the reminders would have sent.
/// </summary>
public sealed class JsonLinesOutbox : IOutbox, IDisposable
{
    /// <summary>The usual file name under the local data directory.</summary>
    public const string DefaultFileName = "outbox.jsonl";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates an outbox appending to <paramref name="path"/> (its directory is created if missing).</summary>
    public JsonLinesOutbox(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>An outbox at <c>{dataDirectory}/outbox.jsonl</c>.</summary>
    public static JsonLinesOutbox InDirectory(string dataDirectory) => new(System.IO.Path.Combine(dataDirectory, DefaultFileName));

    /// <inheritdoc />
    public async Task AppendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await File.AppendAllTextAsync(Path, entry.ToJson() + "\n", Encoding.UTF8, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(Path))
            {
                return [];
            }

            var lines = await File.ReadAllLinesAsync(Path, Encoding.UTF8, cancellationToken);
            var entries = new List<OutboxEntry>(lines.Length);
            foreach (var line in lines)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    try
                    {
                        entries.Add(OutboxEntry.FromJson(line));
                    }
                    catch (JsonException)
                    {
                        // A line cut short by a crash mid-append: skip it rather than lose the whole outbox.
                    }
                }
            }

            return entries;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
