using System.Text;
using System.Text.Json;

namespace EventPipeline.StepFunctions.Local.Outbox;

/// <summary>
/// SES and SNS recorded in a JSON-lines file (one <see cref="OutboxEntry.ToJson"/> per line), e.g.
/// <c>{localDataDir}/outbox.jsonl</c>, which several processes can share.
/// </summary>
/// <remarks>
/// Transitional: the local stack on <c>main</c> runs no moto yet, and <c>invoke reminders</c> runs the workflow in
/// the CLI's own process, so both write here and the stack's <c>GET /outbox</c> reads it. Once the stack sends to
/// moto's SES and SNS through the local AWS endpoint and reads <see cref="MotoOutbox"/>, nothing needs this file.
/// </remarks>
public sealed class JsonLinesNotifications : RecordingNotifications, IDisposable
{
    /// <summary>The usual file name under the local data directory.</summary>
    public const string DefaultFileName = "outbox.jsonl";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Records into <paramref name="path"/> (its directory is created if missing).</summary>
    public JsonLinesNotifications(string path)
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

    /// <summary>Notifications recorded at <c>{dataDirectory}/outbox.jsonl</c>.</summary>
    public static JsonLinesNotifications InDirectory(string dataDirectory) => new(System.IO.Path.Combine(dataDirectory, DefaultFileName));

    /// <inheritdoc />
    public override async Task<IReadOnlyList<OutboxEntry>> ReadAllAsync(CancellationToken cancellationToken)
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
                    catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                    {
                        // A line cut short by a crash mid-append, or one in an older shape: skip it rather than lose the whole outbox.
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

    /// <inheritdoc />
    protected override async Task StoreAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var lines = new StringBuilder();
        foreach (var entry in entries)
        {
            lines.Append(entry.ToJson()).Append('\n');
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await File.AppendAllTextAsync(Path, lines.ToString(), Encoding.UTF8, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
