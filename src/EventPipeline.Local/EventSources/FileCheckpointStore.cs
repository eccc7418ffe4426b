using System.Collections.Concurrent;
using System.Text.Json;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// Checkpoints in a JSON file (<c>.eventpipeline/data/checkpoints-{mapping}.json</c>), written atomically (temp file +
/// rename) at most every <see cref="FlushInterval"/> and on dispose, so a restart resumes each shard after the last
/// record it resolved. A crash between flushes replays at most that interval of records, which the functions'
/// exactly-once writes absorb (as a redelivery in AWS would be).
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore, IDisposable
{
    private readonly string _path;
    private readonly ConcurrentDictionary<string, string> _checkpoints;
    private readonly Timer _timer;
    private readonly object _writeGate = new();
    private int _dirty;

    /// <summary>Loads <paramref name="path"/> if it exists.</summary>
    public FileCheckpointStore(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _checkpoints = File.Exists(path)
            ? new ConcurrentDictionary<string, string>(JsonSerializer.Deserialize(File.ReadAllText(path), CheckpointJsonContext.Default.DictionaryStringString) ?? [], StringComparer.Ordinal)
            : new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    /// <summary>How often changed checkpoints are written.</summary>
    public static TimeSpan FlushInterval { get; } = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public string? Get(string streamArn, string shardId) => _checkpoints.TryGetValue(Key(streamArn, shardId), out var s) ? s : null;

    /// <inheritdoc />
    public void Save(string streamArn, string shardId, string sequenceNumber)
    {
        _checkpoints[Key(streamArn, shardId)] = sequenceNumber;
        Volatile.Write(ref _dirty, 1);
    }

    /// <summary>Writes the checkpoints now if any changed.</summary>
    public void Flush()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        lock (_writeGate)
        {
            var temp = _path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(new Dictionary<string, string>(_checkpoints), CheckpointJsonContext.Default.DictionaryStringString));
            File.Move(temp, _path, overwrite: true);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    private static string Key(string streamArn, string shardId) => streamArn + "|" + shardId;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CheckpointJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
