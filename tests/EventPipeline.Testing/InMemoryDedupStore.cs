using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Testing;

/// <summary>The dedup store in memory: per entity, every fingerprint moved out of its entity item, kept for the retention.</summary>
public sealed class InMemoryDedupStore(TimeSpan retention) : IDedupStore
{
    private readonly Dictionary<EntityKey, List<ulong>> _chunks = [];

    /// <summary>Chunks written so far.</summary>
    public int Appends { get; private set; }

    /// <summary>When true, appends are refused (the store is unavailable).</summary>
    public bool Refuse { get; set; }

    /// <inheritdoc />
    public Task<IReadOnlySet<ulong>> ReadAsync(EntityKey entity, CancellationToken cancellationToken)
    {
        lock (_chunks)
        {
            IReadOnlySet<ulong> found = _chunks.TryGetValue(entity, out var list) ? list.ToHashSet() : new HashSet<ulong>();
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> AppendAsync(EntityKey entity, IReadOnlyCollection<ulong> fingerprints, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        lock (_chunks)
        {
            if (Refuse)
            {
                return Task.FromResult<DateTimeOffset?>(null);
            }

            if (!_chunks.TryGetValue(entity, out var list))
            {
                list = [];
                _chunks[entity] = list;
            }

            list.AddRange(fingerprints);
            Appends++;
            return Task.FromResult<DateTimeOffset?>(now + retention);
        }
    }
}
