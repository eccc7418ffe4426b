using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Domain;

namespace EventPipeline.Aws.Aggregates;

/// <summary>Remembers which events (tenant, source, dedup id) were fully applied.</summary>
public interface IDedupStore
{
    /// <summary>The keys among <paramref name="keys"/> already applied.</summary>
    Task<HashSet<DedupKey>> FindAppliedAsync(IReadOnlyCollection<DedupKey> keys, CancellationToken cancellationToken);

    /// <summary>Marks events applied; returns the number of write requests made.</summary>
    Task<int> MarkAppliedAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> applied, CancellationToken cancellationToken);
}

/// <summary>
/// Dedup markers in DynamoDB, written only after every aggregate key of the event was written, so a marker means
/// "applied" and a crash before it is harmless (the watermarks skip the redelivered event). Reads are batched (100 per
/// request), writes too (25 per request); markers expire after <see cref="Topology.PipelineTopology.DedupRetention"/>.
/// </summary>
public sealed class DynamoDedupStore(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock, TimeSpan retention) : IDedupStore
{
    private const string Sk = "dedup";

    /// <inheritdoc />
    public async Task<HashSet<DedupKey>> FindAppliedAsync(IReadOnlyCollection<DedupKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new HashSet<DedupKey>();
        var byPk = keys.Distinct().ToDictionary(PkOf, k => k, StringComparer.Ordinal);
        foreach (var chunk in byPk.Keys.Chunk(100))
        {
            var pending = new KeysAndAttributes
            {
                Keys = chunk.Select(pk => new Dictionary<string, AttributeValue> { ["pk"] = new() { S = pk }, ["sk"] = new() { S = Sk } }).ToList(),
                ProjectionExpression = "pk",
                ConsistentRead = true,
            };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken);
                if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items))
                {
                    foreach (var item in items)
                    {
                        if (byPk.TryGetValue(item["pk"].S, out var k))
                        {
                            found.Add(k);
                        }
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

    /// <inheritdoc />
    public async Task<int> MarkAppliedAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> applied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var ttl = (clock.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var requests = 0;
        var unique = applied.GroupBy(a => PkOf(a.Key), StringComparer.Ordinal).Select(g => g.First());
        foreach (var chunk in unique.Chunk(25))
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
                        ["ttl"] = new() { N = ttl },
                    },
                },
            }).ToList();
            for (var attempt = 0; writes.Count > 0; attempt++)
            {
                requests++;
                var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = writes } }, cancellationToken);
                if (response.UnprocessedItems is null || !response.UnprocessedItems.TryGetValue(tableName, out var rest) || rest.Count == 0)
                {
                    break;
                }

                writes = rest;
                await Task.Delay(Backoff.Delay(attempt), cancellationToken);
            }
        }

        return requests;
    }

    private static string PkOf(DedupKey k) => $"{k.Tenant}#{k.Source}#{k.EventId}";
}
