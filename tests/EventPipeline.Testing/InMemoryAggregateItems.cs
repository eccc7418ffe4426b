using System.Collections.Concurrent;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Testing;

/// <summary>
/// The aggregates in memory, with DynamoDB's semantics where the protocol relies on them (a metric item holds its total
/// and live windows, evicted windows are items of their own; the metric item wins): reads return copies, a write
/// succeeds only at the expected version (atomically), and a write can be made to fail (<see cref="FailWrites"/>) or to
/// crash the caller after some writes (<see cref="CrashAfterWrites"/>), for the exactly-once properties.
/// </summary>
public sealed class InMemoryAggregateItems : IAggregateItems, IAggregateReader
{
    private readonly ConcurrentDictionary<AggregateKey, StoredAggregate> _items = new();
    private int _writesLeftBeforeCrash = -1;
    private readonly ConcurrentQueue<AggregateKey> _keysRead = new();

    /// <summary>Keys read so far (batched or one by one), in order.</summary>
    public IReadOnlyCollection<AggregateKey> KeysRead => _keysRead;

    /// <summary>Successful writes so far.</summary>
    public int Writes { get; private set; }

    /// <summary>Keys whose writes answer <see cref="WriteOutcome.Unavailable"/> (a throttled or refused key).</summary>
    public HashSet<AggregateKey> FailWrites { get; } = [];

    /// <summary>After this many more successful writes, the next write throws <see cref="SimulatedCrashException"/>; -1 never.</summary>
    public int CrashAfterWrites
    {
        get => _writesLeftBeforeCrash;
        set => _writesLeftBeforeCrash = value;
    }

    /// <summary>Reads of the entities-by-kind index so far (each is one query in DynamoDB).</summary>
    public int IndexReads { get; private set; }

    /// <summary>Every stored aggregate (copies).</summary>
    public IReadOnlyDictionary<AggregateKey, StoredAggregate> All => _items.ToDictionary(i => i.Key, i => Copy(i.Value));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AggregateKey, StoredAggregate>> ReadAsync(IReadOnlyCollection<AggregateKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var k in keys)
        {
            _keysRead.Enqueue(k);
        }

        IReadOnlyDictionary<AggregateKey, StoredAggregate> found = keys.Distinct()
            .Where(_items.ContainsKey)
            .ToDictionary(k => k, k => Copy(_items[k]));
        return Task.FromResult(found);
    }

    /// <inheritdoc />
    public Task<StoredAggregate?> ReadAsync(AggregateKey key, CancellationToken cancellationToken)
    {
        _keysRead.Enqueue(key);
        return Task.FromResult(_items.TryGetValue(key, out var item) ? Copy(item) : null);
    }

    /// <inheritdoc />
    public Task<WriteResult> WriteAsync(StoredAggregate item, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = item.State.Key;
        lock (_items)
        {
            if (FailWrites.Contains(key))
            {
                return Task.FromResult(WriteResult.Unavailable);
            }

            if (_writesLeftBeforeCrash == 0)
            {
                _writesLeftBeforeCrash = -1;
                throw new SimulatedCrashException($"crash before writing {key}");
            }

            var current = _items.TryGetValue(key, out var stored) ? stored.Version : 0;
            if (current != expectedVersion)
            {
                // As DynamoDB with ReturnValuesOnConditionCheckFailure = ALL_OLD: the item that won comes back.
                return Task.FromResult(WriteResult.Conflict(stored is null ? null : Copy(stored)));
            }

            _items[key] = Copy(item);
            Writes++;
            if (_writesLeftBeforeCrash > 0)
            {
                _writesLeftBeforeCrash--;
            }

            return Task.FromResult(WriteResult.Written);
        }
    }

    /// <inheritdoc />
    public Task<WriteOutcome> StoreEvictedAsync(IReadOnlyCollection<WindowState> windows, long metricVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        lock (_items)
        {
            foreach (var w in windows)
            {
                if (!_items.TryGetValue(w.Key, out var stored) || stored.Version < metricVersion)
                {
                    _items[w.Key] = new StoredAggregate(w.Copy(), metricVersion, new Dictionary<string, string>(StringComparer.Ordinal));
                }
            }
        }

        return Task.FromResult(WriteOutcome.Written);
    }

    /// <inheritdoc />
    public async Task<StoredAggregate?> GetAsync(AggregateKey key, CancellationToken cancellationToken) =>
        await ReadAsync(key, cancellationToken) is { } stored ? Public(stored) : null;

    /// <inheritdoc />
    public Task<AggregatePage> EntitiesAsync(string tenant, string kind, int limit, string? afterId, CancellationToken cancellationToken)
    {
        var partition = AggregateKey.EntityPartition(tenant, kind);
        var all = _items.Values.Where(i => i.State.Key.Pk == partition).OrderBy(i => i.State.Key.Sk, StringComparer.Ordinal)
            .Where(i => afterId is null || string.CompareOrdinal(i.State.Key.Sk, afterId) > 0).ToList();
        var page = all.Take(limit).Select(Copy).ToList();
        return Task.FromResult(new AggregatePage(page, all.Count > limit ? page[^1].State.Key.Sk : null));
    }

    /// <inheritdoc />
    public Task<EntityRefPage> EntityRefsAsync(string tenant, EntityRef? after, int max, CancellationToken cancellationToken)
    {
        IndexReads++;
        // The index's order: kinds in order, and (here) ids in order within a kind.
        var all = _items.Values.Select(i => i.State).OfType<EntityViewState>().Where(e => e.Key.Tenant == tenant)
            .Select(e => e.Entity)
            .OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Where(e => after is null || string.CompareOrdinal(e.Kind, after.Kind) > 0 || (e.Kind == after.Kind && string.CompareOrdinal(e.Id, after.Id) > 0))
            .ToList();
        var page = all.Take(max).ToList();
        return Task.FromResult(new EntityRefPage(page, all.Count > max ? page[^1] : null));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredAggregate>> TotalsAsync(string tenant, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredAggregate>>(Partition(AggregateKey.TotalsPartition(tenant)).Take(max).Select(Public).ToList());

    /// <inheritdoc />
    public Task<StoredMetric?> MetricAsync(string tenant, string metric, Granularity granularity, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        if (!_items.TryGetValue(new TotalKey(tenant, metric), out var stored) || stored.State is not MetricState live)
        {
            return Task.FromResult<StoredMetric?>(null);
        }

        var windows = new SortedDictionary<WindowKey, StoredAggregate>(WindowOrder.Instance);
        foreach (var evicted in Partition(AggregateKey.WindowPartition(tenant, metric, granularity)))
        {
            windows[(WindowKey)evicted.State.Key] = evicted;
        }

        foreach (var (wk, w) in live.Windows.Where(w => w.Key.Granularity == granularity))
        {
            windows[wk] = new StoredAggregate(w.Copy(), stored.Version, stored.Watermarks);
        }

        var inRange = windows.Where(w => w.Key.BucketStart >= from && w.Key.BucketStart <= to).Select(w => w.Value).Take(max).ToList();
        return Task.FromResult<StoredMetric?>(new StoredMetric(new StoredAggregate(live.Total.Copy(), stored.Version, stored.Watermarks), inRange));
    }

    private static StoredAggregate Public(StoredAggregate stored) =>
        stored.State is MetricState m ? new StoredAggregate(m.Total.Copy(), stored.Version, stored.Watermarks) : stored;

    private IEnumerable<StoredAggregate> Partition(string pk) =>
        _items.Values.Where(i => i.State.Key.Pk == pk).OrderBy(i => i.State.Key.Sk, StringComparer.Ordinal).Select(Copy);

    private static StoredAggregate Copy(StoredAggregate item) =>
        new(item.State.Copy(), item.Version, new Dictionary<string, string>(item.Watermarks, StringComparer.Ordinal))
        {
            DedupFingerprints = [.. item.DedupFingerprints],
            DedupOverflowUntil = item.DedupOverflowUntil,
            Trace = item.Trace,
        };
}
