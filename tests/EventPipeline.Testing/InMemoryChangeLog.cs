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
            var head = _heads.GetValueOrDefault(key) ?? new Head(0, null, 0, DateTimeOffset.MinValue);
            if (head.BatchId == batchId)
            {
                return Task.FromResult(head.FirstOfBatch);
            }

            var first = head.Latest + 1;
            _heads[key] = new Head(head.Latest + count, batchId, first, clock.GetUtcNow());
            return Task.FromResult(first);
        }
    }

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<ChannelAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        lock (_heads)
        {
            foreach (var (tenant, channel, entries) in appends)
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
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ChangesSince> ReadSinceAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken)
    {
        lock (_heads)
        {
            var head = _heads.GetValueOrDefault((tenant, channel));
            var latest = head?.Latest ?? 0;
            // As the DynamoDB log: an allocation older than Publish's retries is no longer on its way.
            var inFlightFrom = head is not null && clock.GetUtcNow() - head.AllocatedAt < TimeSpan.FromMinutes(15) ? head.FirstOfBatch : long.MaxValue;
            if (since >= latest)
            {
                return Task.FromResult(new ChangesSince([], latest, Gap: false));
            }

            var cutoff = clock.GetUtcNow() - retention;
            var log = _entries.GetValueOrDefault((tenant, channel)) ?? [];
            var page = log.Where(e => e.Key > since && e.Key <= latest).Take(limit).ToList();
            var kept = page.Where(e => e.Value.At >= cutoff).Select(e => e.Value.Entry).ToList();
            // As the DynamoDB log: gap-free from since + 1; a hole in the last allocation is not yet appended (read up to
            // it), a hole below it is lost.
            var expected = since + 1;
            var consecutive = 0;
            foreach (var e in kept)
            {
                if (e.Sequence != expected)
                {
                    break;
                }

                expected++;
                consecutive++;
            }

            if (expected > latest || (consecutive == kept.Count && page.Count >= limit))
            {
                return Task.FromResult(new ChangesSince(kept, latest, Gap: false));
            }

            return Task.FromResult(expected >= inFlightFrom
                ? new ChangesSince([.. kept.Take(consecutive)], expected - 1, Gap: false)
                : new ChangesSince([], latest, Gap: true));
        }
    }

    private sealed record Head(long Latest, string? BatchId, long FirstOfBatch, DateTimeOffset AllocatedAt);
}
