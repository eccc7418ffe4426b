using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Application.Ingest;
using EventPipeline.Local.EventSources;
using EventPipeline.Application.Publish;

namespace EventPipeline.Local;

/// <summary>Counters of the local stack since start: what the functions did, batch by batch.</summary>
public sealed class LocalMetrics
{
    private long _ingestBatches, _records, _applied, _duplicates, _late, _deadLettered, _itemWrites, _dedupWrites;
    private long _publishBatches, _changes, _pushes, _gone, _failedPosts;
    private readonly Dictionary<string, long> _rejectedByCategory = new(StringComparer.Ordinal);

    /// <summary>Total events applied (for tests waiting on the pipeline).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Total dead-lettered user records by the Ingest function.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Total duplicates skipped.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Total pushes posted.</summary>
    public long Pushes => Interlocked.Read(ref _pushes);

    internal void OnIngest(IngestBatchResult r)
    {
        Interlocked.Increment(ref _ingestBatches);
        Interlocked.Add(ref _records, r.Records);
        Interlocked.Add(ref _applied, r.Applied);
        Interlocked.Add(ref _duplicates, r.Duplicates);
        Interlocked.Add(ref _late, r.Late);
        Interlocked.Add(ref _deadLettered, r.DeadLettered);
        Interlocked.Add(ref _itemWrites, r.ItemWrites);
        Interlocked.Add(ref _dedupWrites, r.DedupWrites);
        lock (_rejectedByCategory)
        {
            foreach (var (k, v) in r.DeadLettersByCategory)
            {
                _rejectedByCategory[k] = _rejectedByCategory.GetValueOrDefault(k) + v;
            }
        }
    }

    internal void OnPublish(PublishBatchResult r)
    {
        Interlocked.Increment(ref _publishBatches);
        Interlocked.Add(ref _changes, r.Changes);
        Interlocked.Add(ref _pushes, r.Pushes);
        Interlocked.Add(ref _gone, r.GoneConnections);
        Interlocked.Add(ref _failedPosts, r.FailedPosts);
    }

    /// <summary>A consistent-enough copy for display.</summary>
    public MetricsSnapshot Snapshot(LocalStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Dictionary<string, long> rejected;
        lock (_rejectedByCategory)
        {
            rejected = new Dictionary<string, long>(_rejectedByCategory);
        }

        return new MetricsSnapshot(
            new IngestCounters(Interlocked.Read(ref _ingestBatches), Interlocked.Read(ref _records), Applied, Duplicates, Interlocked.Read(ref _late), DeadLettered,
                Interlocked.Read(ref _itemWrites), Interlocked.Read(ref _dedupWrites), rejected),
            new PublishCounters(Interlocked.Read(ref _publishBatches), Interlocked.Read(ref _changes), Pushes, Interlocked.Read(ref _gone), Interlocked.Read(ref _failedPosts)),
            stack.IngestMapping.Metrics.Snapshot(),
            stack.PublishMapping.Metrics.Snapshot(),
            stack.Gateway.Hub.Count,
            stack.EmulatorRestarts);
    }
}

public sealed record IngestCounters(long Batches, long Records, long Applied, long Duplicates, long Late, long DeadLettered, long ItemWrites, long DedupWriteRequests, IReadOnlyDictionary<string, long> DeadLettersByCategory);

public sealed record PublishCounters(long Batches, long Changes, long Pushes, long GoneConnections, long FailedPosts);

/// <summary>What <c>/metrics</c> shows; <paramref name="EmulatorRestarts"/> counts the watchdog's restarts by emulator.</summary>
public sealed record MetricsSnapshot(IngestCounters Ingest, PublishCounters Publish, StreamPollerMetricsSnapshot IngestMapping, StreamPollerMetricsSnapshot PublishMapping, int OpenConnections, IReadOnlyDictionary<string, int> EmulatorRestarts);

[JsonSerializable(typeof(LocalEndpoints))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(MetricsSnapshot))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(List<JsonElement>))]
[JsonSerializable(typeof(List<EventPipeline.Local.Cli.FunctionRecord>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
