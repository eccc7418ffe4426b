using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// The items this writer instance wrote last (copies), so the next batch of the same shard — which Lambda usually hands
/// to the same instance — starts from them instead of reading them again. Only a hint: every write stays conditioned on
/// the version, so an entry another shard made stale costs one conflict and a re-read, never a wrong result. Bounded;
/// an entry is dropped whenever the outcome of a write to its item is unknown.
/// </summary>
/// <param name="capacity">Most items kept (the oldest half is dropped when full).</param>
public sealed class ItemCache(int capacity = 20_000)
{
    private readonly Dictionary<AggregateKey, (StoredAggregate Item, IReadOnlySet<ulong>? Overflow, long Stamp)> _items = [];
    private long _stamp;

    /// <summary>The cached copy of <paramref name="key"/>'s item, or null.</summary>
    public StoredAggregate? Get(AggregateKey key)
    {
        lock (_items)
        {
            return _items.TryGetValue(key, out var e) ? Copy(e.Item) : null;
        }
    }

    /// <summary>The entity's overflow fingerprints as this instance last knew them, or null.</summary>
    public IReadOnlySet<ulong>? Overflow(AggregateKey key)
    {
        lock (_items)
        {
            return _items.TryGetValue(key, out var e) ? e.Overflow : null;
        }
    }

    /// <summary>Remembers a successfully written item (and, for entities, the overflow fingerprints known with it).</summary>
    public void Put(StoredAggregate item, IReadOnlySet<ulong>? overflow = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_items)
        {
            if (_items.Count >= capacity)
            {
                foreach (var old in _items.OrderBy(e => e.Value.Stamp).Take(capacity / 2).Select(e => e.Key).ToList())
                {
                    _items.Remove(old);
                }
            }

            _items[item.State.Key] = (Copy(item), overflow, ++_stamp);
        }
    }

    /// <summary>Forgets <paramref name="key"/> (a write whose outcome is unknown, or found stale).</summary>
    public void Forget(AggregateKey key)
    {
        lock (_items)
        {
            _items.Remove(key);
        }
    }

    private static StoredAggregate Copy(StoredAggregate item) =>
        new(item.State.Copy(), item.Version, item.Watermarks)
        {
            DedupFingerprints = item.DedupFingerprints,
            DedupOverflowUntil = item.DedupOverflowUntil,
            Trace = item.Trace,
        };
}
