using System.Collections.Concurrent;
using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// Exactly-once effect with coalesced writes. For each distinct key the batch touches: read the item (batched,
/// consistent), keep only the events after the item's watermark for this shard, fold them with the pure
/// <see cref="Aggregator"/>, and write the new state with the watermark advanced, conditioned on the version read.
/// A crash between writes leaves some keys written with their watermark and others not; a redelivery skips the former
/// and applies the latter, so every key ends as if each event was applied once. A conflicting write from another
/// shard (hot keys such as a tenant total) re-reads and re-folds that key only.
/// </summary>
/// <param name="items">Where the aggregates are stored.</param>
/// <param name="maxParallelWrites">Keys written at once.</param>
/// <param name="maxConflictRetries">Re-reads of one key after conflicting writes before the key fails for this attempt.</param>
public sealed class AggregateWriter(IAggregateItems items, int maxParallelWrites = 16, int maxConflictRetries = 20)
{
    /// <summary>
    /// Applies <paramref name="events"/> (all from one shard, in shard order) exactly once per aggregate key, whatever
    /// was applied by earlier, partially failed deliveries of the same records.
    /// </summary>
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

        var current = await items.ReadAsync(byKey.Keys, cancellationToken);
        var writes = 0;
        var conflicts = 0;
        var skipped = 0;
        var failedKeys = new ConcurrentDictionary<AggregateKey, bool>();

        await Parallel.ForEachAsync(
            byKey,
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelWrites, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                var (key, contributions) = entry;
                current.TryGetValue(key, out var stored);
                for (var attempt = 0; ; attempt++)
                {
                    var watermark = stored?.Watermarks.GetValueOrDefault(shard);
                    var state = stored?.State ?? AggregateState.Create(key);
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

                    var version = stored?.Version ?? 0;
                    var watermarks = stored is null
                        ? new Dictionary<string, string>(StringComparer.Ordinal)
                        : new Dictionary<string, string>(stored.Watermarks, StringComparer.Ordinal);
                    watermarks[shard] = last.Value.Encoded;
                    switch (await items.WriteAsync(new StoredAggregate(state, version + 1, watermarks), version, context.Now, ct))
                    {
                        case WriteOutcome.Written:
                            Interlocked.Increment(ref writes);
                            return;
                        case WriteOutcome.Conflict when attempt < maxConflictRetries:
                            Interlocked.Increment(ref conflicts);
                            stored = await items.ReadAsync(key, ct);
                            break;
                        default:
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
}
