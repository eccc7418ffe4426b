using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Aggregates;

/// <summary>An event with where it sits in its shard.</summary>
/// <param name="Event">The canonical event.</param>
/// <param name="ShardId">The Kinesis shard it was read from.</param>
/// <param name="Position">Its position in the shard (sequence, KPL sub-record, fan-out index).</param>
/// <param name="ArrivedAt">When its record reached the stream. Lateness is judged at this instant rather than at processing
/// time, so a redelivery hours later decides every key of the event the same way as the first attempt did.</param>
public sealed record SequencedEvent(CanonicalEvent Event, string ShardId, StreamPosition Position, DateTimeOffset? ArrivedAt = null)
{
    /// <summary>The context this event is folded with: <paramref name="batch"/> with now = its arrival, when known.</summary>
    public AggregationContext ContextFor(AggregationContext batch) => ArrivedAt is { } a ? batch with { Now = a } : batch;
}

/// <summary>Result of applying one batch.</summary>
/// <param name="ItemWrites">Conditional puts that succeeded: at most one per distinct aggregate key (plus conflict retries).</param>
/// <param name="ConflictRetries">Puts retried because another shard wrote the same key first.</param>
/// <param name="KeysAlreadyApplied">Keys whose watermark showed every event already applied (redelivery).</param>
/// <param name="FailedSequenceNumbers">Kinesis sequence numbers of records with an event whose key could not be written.</param>
/// <param name="Applied">Events every key of which is now written (to be marked as seen for dedup).</param>
public sealed record ApplyOutcome(
    int ItemWrites,
    int ConflictRetries,
    int KeysAlreadyApplied,
    IReadOnlySet<string> FailedSequenceNumbers,
    IReadOnlyList<SequencedEvent> Applied);

/// <summary>Folds batches of events into the aggregate items.</summary>
public interface IAggregateStore
{
    /// <summary>
    /// Applies <paramref name="events"/> (all from one shard, in shard order) exactly once per aggregate key, whatever
    /// was applied by earlier, partially failed deliveries of the same records.
    /// </summary>
    Task<ApplyOutcome> ApplyAsync(IReadOnlyList<SequencedEvent> events, AggregationContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Exactly-once effect with coalesced writes. For each distinct key the batch touches: read the item (batched,
/// consistent), keep only the events after the item's watermark for this shard, fold them with the pure
/// <see cref="Aggregator"/>, and put the new state with the watermark advanced, conditioned on the version read.
/// A crash between puts leaves some keys written with their watermark and others not; a redelivery skips the former
/// and applies the latter, so every key ends as if each event was applied once. A conflicting write from another
/// shard (hot keys such as a tenant total) re-reads and re-folds that key only.
/// </summary>
public sealed class DynamoAggregateStore(IAmazonDynamoDB dynamo, string tableName, int maxParallelWrites = 16, int maxConflictRetries = 20)
    : IAggregateStore
{
    /// <inheritdoc />
    public async Task<ApplyOutcome> ApplyAsync(IReadOnlyList<SequencedEvent> events, AggregationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return new ApplyOutcome(0, 0, 0, new HashSet<string>(), []);
        }

        var shard = events[0].ShardId;
        var byKey = new Dictionary<AggregateKey, List<(SequencedEvent Source, decimal Value)>>();
        var keysOfEvent = new Dictionary<SequencedEvent, List<AggregateKey>>(ReferenceEqualityComparer.Instance);
        foreach (var se in events)
        {
            if (se.ShardId != shard)
            {
                throw new ArgumentException("all events of a batch come from one shard", nameof(events));
            }

            var keys = new List<AggregateKey>();
            foreach (var c in Aggregator.ContributionsOf(se.Event, se.ContextFor(context)))
            {
                if (!byKey.TryGetValue(c.Key, out var list))
                {
                    list = [];
                    byKey[c.Key] = list;
                }

                list.Add((se, c.Value));
                keys.Add(c.Key);
            }

            keysOfEvent[se] = keys;
        }

        var current = await BatchGetAsync(byKey.Keys, cancellationToken);
        var writes = 0;
        var conflicts = 0;
        var skipped = 0;
        var failedKeys = new ConcurrentDictionary<AggregateKey, bool>();
        var now = context.Now;

        await Parallel.ForEachAsync(
            byKey,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelWrites, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var (key, contributions) = entry;
                current.TryGetValue(key, out var item);
                for (var attempt = 0; ; attempt++)
                {
                    var watermark = Watermark(item, shard);
                    var state = item is null ? AggregateState.Create(key) : AggregateItemMapper.FromItem(item) ?? AggregateState.Create(key);
                    state.ChangedBy.Clear();
                    StreamPosition? last = null;
                    foreach (var (se, value) in contributions)
                    {
                        if (watermark is not null && string.CompareOrdinal(se.Position.Encoded, watermark) <= 0)
                        {
                            continue;
                        }

                        state.Apply(se.Event, value, se.ContextFor(context));
                        last = se.Position;
                    }

                    if (last is null)
                    {
                        Interlocked.Increment(ref skipped);
                        return;
                    }

                    var version = AggregateItemMapper.VersionOf(item);
                    var wm = item is not null && item.TryGetValue(AggregateItemMapper.Watermarks, out var w) && w.M is { } m
                        ? new Dictionary<string, AttributeValue>(m, StringComparer.Ordinal)
                        : new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                    wm[shard] = new AttributeValue { S = last.Value.Encoded };
                    var put = new PutItemRequest
                    {
                        TableName = tableName,
                        Item = AggregateItemMapper.ToItem(state, version + 1, wm, now),
                    };
                    if (item is null)
                    {
                        put.ConditionExpression = "attribute_not_exists(pk)";
                    }
                    else
                    {
                        put.ConditionExpression = "#v = :v";
                        put.ExpressionAttributeNames = new() { ["#v"] = AggregateItemMapper.Version };
                        put.ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = version.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
                    }

                    try
                    {
                        await dynamo.PutItemAsync(put, ct);
                        Interlocked.Increment(ref writes);
                        return;
                    }
                    catch (ConditionalCheckFailedException) when (attempt < maxConflictRetries)
                    {
                        Interlocked.Increment(ref conflicts);
                        var fresh = await dynamo.GetItemAsync(
                            new GetItemRequest { TableName = tableName, Key = KeyOf(key), ConsistentRead = true }, ct);
                        item = fresh.Item is { Count: > 0 } fi ? fi : null;
                    }
                    catch (AmazonDynamoDBException) when (!ct.IsCancellationRequested)
                    {
                        failedKeys[key] = true;
                        return;
                    }
                }
            });

        var failedSequences = new HashSet<string>(StringComparer.Ordinal);
        var applied = new List<SequencedEvent>(events.Count);
        foreach (var se in events)
        {
            if (keysOfEvent[se].Any(failedKeys.ContainsKey))
            {
                failedSequences.Add(se.Position.SequenceNumber);
            }
            else
            {
                applied.Add(se);
            }
        }

        return new ApplyOutcome(writes, conflicts, skipped, failedSequences, applied);
    }

    /// <summary>Reads the current items of <paramref name="keys"/> (consistent, 100 per request, unprocessed keys retried).</summary>
    public async Task<Dictionary<AggregateKey, Dictionary<string, AttributeValue>>> BatchGetAsync(IEnumerable<AggregateKey> keys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<AggregateKey, Dictionary<string, AttributeValue>>();
        var byPkSk = new Dictionary<(string, string), AggregateKey>();
        foreach (var k in keys)
        {
            byPkSk[(k.Pk, k.Sk)] = k;
        }

        foreach (var chunk in byPkSk.Values.Chunk(100))
        {
            var pending = new KeysAndAttributes { ConsistentRead = true, Keys = chunk.Select(KeyOf).ToList() };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamo.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new() { [tableName] = pending } }, cancellationToken);
                if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items))
                {
                    foreach (var item in items)
                    {
                        if (byPkSk.TryGetValue((item["pk"].S, item["sk"].S), out var k))
                        {
                            result[k] = item;
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

        return result;
    }

    internal static Dictionary<string, AttributeValue> KeyOf(AggregateKey key) => new(StringComparer.Ordinal)
    {
        ["pk"] = new AttributeValue { S = key.Pk },
        ["sk"] = new AttributeValue { S = key.Sk },
    };

    private static string? Watermark(Dictionary<string, AttributeValue>? item, string shard) =>
        item is not null && item.TryGetValue(AggregateItemMapper.Watermarks, out var wm) && wm.M is { } m && m.TryGetValue(shard, out var v)
            ? v.S
            : null;
}

/// <summary>Exponential backoff with full jitter (AWS's recommendation), capped.</summary>
public static class Backoff
{
    /// <summary>Delay before retry number <paramref name="attempt"/> (0-based).</summary>
    public static TimeSpan Delay(int attempt, int baseMs = 25, int capMs = 2000)
    {
        var ceiling = Math.Min(capMs, baseMs * (1 << Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(Random.Shared.Next(ceiling / 2, ceiling + 1));
    }
}
