using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Testing;

/// <summary>
/// Dedup claims in memory with the same rules as the DynamoDB store: a key is claimed for one owner (stream position);
/// the same owner again keeps it; another owner is refused unless the claim is unapplied and older than the lease.
/// </summary>
public sealed class InMemoryDedupStore(TimeProvider clock, TimeSpan lease) : IDedupStore
{
    private readonly Dictionary<DedupKey, (string Owner, bool Applied, DateTimeOffset ClaimedAt)> _claims = [];

    /// <summary>Claims currently held.</summary>
    public int Count
    {
        get
        {
            lock (_claims)
            {
                return _claims.Count;
            }
        }
    }

    /// <inheritdoc />
    public Task<DedupClaim> ClaimAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var elsewhere = new HashSet<DedupKey>();
        var writes = 0;
        var now = clock.GetUtcNow();
        lock (_claims)
        {
            foreach (var (key, owner) in candidates)
            {
                if (!_claims.TryGetValue(key, out var current) || (!current.Applied && current.Owner != owner && now - current.ClaimedAt > lease))
                {
                    _claims[key] = (owner, false, now);
                    writes++;
                }
                else if (current.Owner != owner)
                {
                    elsewhere.Add(key);
                }
            }
        }

        return Task.FromResult(new DedupClaim(elsewhere, writes));
    }

    /// <inheritdoc />
    public Task<int> MarkAppliedAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> applied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var writes = 0;
        lock (_claims)
        {
            foreach (var (key, owner) in applied)
            {
                if (_claims.TryGetValue(key, out var current) && current.Owner == owner && !current.Applied)
                {
                    _claims[key] = current with { Applied = true };
                    writes++;
                }
            }
        }

        return Task.FromResult(writes);
    }
}
