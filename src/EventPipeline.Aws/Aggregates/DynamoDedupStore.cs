using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Domain;

namespace EventPipeline.Aws.Aggregates;

/// <summary>Result of claiming events for one delivery.</summary>
/// <param name="OwnedElsewhere">Keys another stream position owns: duplicates, not to be applied here.</param>
/// <param name="WriteRequests">Claim writes made.</param>
public sealed record DedupClaim(IReadOnlySet<DedupKey> OwnedElsewhere, int WriteRequests);

/// <summary>Decides which stream position applies each event (tenant, source, dedup id).</summary>
public interface IDedupStore
{
    /// <summary>
    /// Claims each key for its owner (the stream position the event was read at) unless another owner holds it.
    /// A key claimed by the same owner before (a redelivery) stays this owner's.
    /// </summary>
    Task<DedupClaim> ClaimAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> candidates, CancellationToken cancellationToken);
}

/// <summary>
/// Dedup markers in DynamoDB that name the one stream position (shard + sequence) allowed to apply an event. The marker
/// is claimed with a conditional put BEFORE the event is applied: the per-shard watermarks make a redelivery of the
/// owning position exactly-once, but they cannot stop a copy of the same event at another position (a provider resend
/// on another shard, processed concurrently or while the first delivery is still being retried after a partial
/// failure) — so such a copy must never be applied, even when the owner has not finished yet. Reads are batched
/// (100 per request); markers expire after <see cref="Topology.PipelineTopology.DedupRetention"/>.
/// </summary>
public sealed class DynamoDedupStore(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock, TimeSpan retention, int maxParallelWrites = 16) : IDedupStore
{
    private const string Sk = "dedup";

    /// <inheritdoc />
    public async Task<DedupClaim> ClaimAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ownerOf = new Dictionary<string, (DedupKey Key, string Owner)>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            ownerOf.TryAdd(PkOf(c.Key), c);
        }

        var existing = await OwnersAsync(ownerOf.Keys, cancellationToken);
        var elsewhere = new HashSet<DedupKey>();
        var toClaim = new List<(string Pk, DedupKey Key, string Owner)>();
        foreach (var (pk, c) in ownerOf)
        {
            if (!existing.TryGetValue(pk, out var owner))
            {
                toClaim.Add((pk, c.Key, c.Owner));
            }
            else if (owner != c.Owner)
            {
                elsewhere.Add(c.Key);
            }
        }

        var ttl = (clock.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var writes = 0;
        await Parallel.ForEachAsync(
            toClaim,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelWrites, CancellationToken = cancellationToken },
            async (c, ct) =>
            {
                try
                {
                    Interlocked.Increment(ref writes);
                    await dynamo.PutItemAsync(
                        new PutItemRequest
                        {
                            TableName = tableName,
                            Item = new Dictionary<string, AttributeValue>
                            {
                                ["pk"] = new() { S = c.Pk },
                                ["sk"] = new() { S = Sk },
                                ["owner"] = new() { S = c.Owner },
                                ["ttl"] = new() { N = ttl },
                            },

                            // Same owner again (a lost response retried) is fine; anyone else's marker wins.
                            ConditionExpression = "attribute_not_exists(pk) OR #o = :o",
                            ExpressionAttributeNames = new() { ["#o"] = "owner" },
                            ExpressionAttributeValues = new() { [":o"] = new AttributeValue { S = c.Owner } },
                        },
                        ct);
                }
                catch (ConditionalCheckFailedException)
                {
                    lock (elsewhere)
                    {
                        elsewhere.Add(c.Key);
                    }
                }
            });

        return new DedupClaim(elsewhere, writes);
    }

    private async Task<Dictionary<string, string>> OwnersAsync(IEnumerable<string> pks, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in pks.Chunk(100))
        {
            var pending = new KeysAndAttributes
            {
                Keys = chunk.Select(pk => new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = Sk } }).ToList(),
                ProjectionExpression = "pk, #o",
                ExpressionAttributeNames = new() { ["#o"] = "owner" },
                ConsistentRead = true,
            };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken);
                if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items))
                {
                    foreach (var item in items)
                    {
                        found[item["pk"].S] = item.TryGetValue("owner", out var o) && o.S is { } s ? s : "";
                    }
                }

                if (response.UnprocessedKeys is null || !response.UnprocessedKeys.TryGetValue(tableName, out var rest) || rest.Keys.Count == 0)
                {
                    break;
                }

                pending = rest;
                await Task.Delay(Backoff.Delay(attempt), cancellationToken);
            }
        }

        return found;
    }

    private static string PkOf(DedupKey k) => $"{k.Tenant}#{k.Source}#{k.EventId}";
}
