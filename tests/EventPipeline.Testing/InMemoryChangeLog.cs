using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>
/// Per-channel sequences and logged pushes in memory, with the DynamoDB log's rules: a batch id allocates its range
/// once (a redelivery gets the same sequences back), and entries older than the retention are gone (a gap).
/// </summary>
public sealed class InMemoryChangeLog(TimeProvider clock, TimeSpan retention) : IChangeLog
{
    private readonly Dictionary<(string Tenant, string Channel), Head> _heads = [];
    private readonly Dictionary<(string Tenant, string Channel), SortedDictionary<long, (ChangeEntry Entry, DateTimeOffset At)>> _entries = [];

    /// <inheritdoc />
    public Task<long> AllocateAsync(string tenant, string channel, string batchId, int count, CancellationToken cancellationToken)
    {
        lock (_heads)
        {
            var key = (tenant, channel);
            var head = _heads.GetValueOrDefault(key) ?? new Head(0, null, 0);
            if (head.BatchId == batchId)
            {
                return Task.FromResult(head.FirstOfBatch);
            }

            var first = head.Latest + 1;
            _heads[key] = new Head(head.Latest + count, batchId, first);
            return Task.FromResult(first);
        }
    }

    /// <inheritdoc />
    public Task AppendAsync(string tenant, string channel, IReadOnlyList<ChangeEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_heads)
        {
            if (!_entries.TryGetValue((tenant, channel), out var log))
            {
                log = [];
                _entries[(tenant, channel)] = log;
            }

            foreach (var e in entries)
            {
                log[e.Sequence] = (e, clock.GetUtcNow());
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ChangesSince> ReadSinceAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken)
    {
        lock (_heads)
        {
            var latest = _heads.GetValueOrDefault((tenant, channel))?.Latest ?? 0;
            if (since >= latest)
            {
                return Task.FromResult(new ChangesSince([], latest, Gap: false));
            }

            var cutoff = clock.GetUtcNow() - retention;
            var log = _entries.GetValueOrDefault((tenant, channel)) ?? [];
            var kept = log.Where(e => e.Key > since && e.Key <= latest).Take(limit).Where(e => e.Value.At >= cutoff).Select(e => e.Value.Entry).ToList();
            // Gap-free means: the first entry is exactly since + 1 and the entries are consecutive (as the DynamoDB log).
            var expected = since + 1;
            foreach (var e in kept)
            {
                if (e.Sequence != expected++)
                {
                    return Task.FromResult(new ChangesSince([], latest, Gap: true));
                }
            }

            return Task.FromResult(new ChangesSince(kept, latest, Gap: kept.Count == 0));
        }
    }

    private sealed record Head(long Latest, string? BatchId, long FirstOfBatch);
}
