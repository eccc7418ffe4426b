using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// Dedup markers in DynamoDB that name the one stream position (shard + sequence) allowed to apply an event. The marker
/// is claimed with a conditional put BEFORE the event is applied: the per-shard watermarks make a redelivery of the
/// owning position exactly-once, but they cannot stop a copy of the same event at another position (a provider resend
/// on another shard, processed concurrently or while the first delivery is still being retried after a partial
/// failure) — so such a copy must never be applied, even when the owner has not finished yet. Reads are batched
/// (100 per request); markers expire after <see cref="Topology.PipelineTopology.DedupRetention"/>.
/// </summary>
public sealed class DynamoDedupStore(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock, TimeSpan retention, int maxParallelWrites = 16, TimeSpan? claimLease = null)
    : IDedupStore
{
    private const string Sk = "dedup";
    private const string Claimed = "claimed";
    private const string Applied = "applied";

    /// <summary>
    /// How long an unapplied claim blocks other positions: longer than the ingest mapping keeps retrying a record
    /// (its maximum record age), so a live owner is never overtaken, and an abandoned one is after that.
    /// </summary>
    public static readonly TimeSpan DefaultClaimLease = TimeSpan.FromSeconds(Topology.PipelineTopology.IngestMapping.MaximumRecordAgeSeconds) + TimeSpan.FromMinutes(5);

    private readonly TimeSpan _lease = claimLease ?? DefaultClaimLease;

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
        var now = clock.GetUtcNow();
        var staleBefore = (now - _lease).ToUnixTimeSeconds();
        foreach (var (pk, c) in ownerOf)
        {
            if (!existing.TryGetValue(pk, out var current))
            {
                toClaim.Add((pk, c.Key, c.Owner));
            }
            else if (current.Owner == c.Owner)
            {
                // A redelivery of the owning position: the watermarks skip what it already wrote.
            }
            else if (current.State != Applied && current.ClaimedAt < staleBefore)
            {
                // Abandoned (its record was given up after the retries): a redrive may take it over.
                toClaim.Add((pk, c.Key, c.Owner));
            }
            else
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
                                ["state"] = new() { S = Claimed },
                                ["claimedAt"] = new() { N = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                                ["ttl"] = new() { N = ttl },
                            },

                            // Same owner again (a lost response retried) is fine; so is taking over an abandoned claim;
                            // anyone else's live or applied claim wins.
                            ConditionExpression = "attribute_not_exists(pk) OR #o = :o OR (#s = :claimed AND #c < :stale)",
                            ExpressionAttributeNames = new() { ["#o"] = "owner", ["#s"] = "state", ["#c"] = "claimedAt" },
                            ExpressionAttributeValues = new()
                            {
                                [":o"] = new AttributeValue { S = c.Owner },
                                [":claimed"] = new AttributeValue { S = Claimed },
                                [":stale"] = new AttributeValue { N = staleBefore.ToString(CultureInfo.InvariantCulture) },
                            },
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

    /// <inheritdoc />
    public async Task<int> MarkAppliedAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> applied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var ttl = (clock.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var requests = 0;
        foreach (var chunk in applied.GroupBy(a => PkOf(a.Key), StringComparer.Ordinal).Select(g => g.First()).Chunk(25))
        {
            var writes = chunk.Select(a => new WriteRequest
            {
                PutRequest = new PutRequest
                {
                    Item = new Dictionary<string, AttributeValue>
                    {
                        ["pk"] = new() { S = PkOf(a.Key) },
                        ["sk"] = new() { S = Sk },
                        ["owner"] = new() { S = a.Owner },
                        ["state"] = new() { S = Applied },
                        ["ttl"] = new() { N = ttl },
                    },
                },
            }).ToList();
            for (var attempt = 0; writes.Count > 0; attempt++)
            {
                requests++;
                var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = writes } }, cancellationToken);
                writes = response.UnprocessedItems is not null && response.UnprocessedItems.TryGetValue(tableName, out var rest) ? rest : [];
                if (writes.Count > 0)
                {
                    await Task.Delay(Backoff.Delay(attempt), cancellationToken);
                }
            }
        }

        return requests;
    }

    private async Task<Dictionary<string, (string Owner, string State, long ClaimedAt)>> OwnersAsync(IEnumerable<string> pks, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (string Owner, string State, long ClaimedAt)>(StringComparer.Ordinal);
        foreach (var chunk in pks.Chunk(100))
        {
            var pending = new KeysAndAttributes
            {
                Keys = chunk.Select(pk => new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = Sk } }).ToList(),
                ProjectionExpression = "pk, #o, #s, #c",
                ExpressionAttributeNames = new() { ["#o"] = "owner", ["#s"] = "state", ["#c"] = "claimedAt" },
                ConsistentRead = true,
            };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken);
                if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items))
                {
                    foreach (var item in items)
                    {
                        found[item["pk"].S] = (
                            item.TryGetValue("owner", out var o) && o.S is { } s ? s : "",
                            item.TryGetValue("state", out var st) && st.S is { } state ? state : Applied,
                            item.TryGetValue("claimedAt", out var ca) && ca.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : long.MaxValue);
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
