using System.Collections.Concurrent;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Tracing;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// Exactly-once effect with coalesced writes, in two rounds per batch (ADR 0003):
/// <list type="number">
/// <item><b>Entity items claim.</b> Each entity item keeps fingerprints of its recent events (older ones move to the
/// <see cref="IDedupStore"/>). An event after the item's watermark for this shard is applied unless its fingerprint is
/// there (a copy from another position: skipped, and the skipped position's own fingerprint is recorded); one at or
/// before the watermark was decided by an earlier delivery — applied unless its position was recorded as skipped. The
/// item is written with the watermark advanced, conditioned on the version read: one shard's events of an entity and
/// any copy on another shard meet at this one item, so its conditional write decides which position owns an event.</item>
/// <item><b>Metric items and late-event records fold</b> the owned events after their own watermark for this shard
/// (read → fold → conditional put), as in ADR 0001. A metric item holds the total and the live windows; windows long
/// closed are stored as their own items before the metric item without them is written.</item>
/// </list>
/// A crash between writes leaves some items written with their watermark and others not; a redelivery skips the former
/// and applies the latter. If an entity item cannot be written, every event from the first such one on stays out of
/// the second round and their records are retried, so no metric watermark passes an undecided event.
/// Items this instance wrote last come from an <see cref="ItemCache"/> instead of a read (a stale one costs a conflict).
/// Entity items it lacks are guessed new while that is usually right (<see cref="EntityPresence"/>): their claims go out
/// without a read, the other uncached items are read alongside, and a wrong guess comes back as a conflict carrying
/// the stored item. A conflict never needs a re-read when the store returns the item that won.
/// Each entity write carries the <see cref="EventTrace"/> of its oldest new event, so its stream record says where the
/// push it causes came from; the outcome says how long the reads and each round took.
/// </summary>
/// <param name="items">Where the aggregates are stored.</param>
/// <param name="dedup">Where older dedup fingerprints go.</param>
/// <param name="dedupCapacity">Fingerprints an entity item keeps; past it, the older half moves to <paramref name="dedup"/> in one chunk.</param>
/// <param name="maxParallelWrites">Items written at once.</param>
/// <param name="maxConflictRetries">Re-reads of one item after conflicting writes before the item fails for this attempt.</param>
/// <param name="cache">Items written by this instance (none: every batch reads its items).</param>
/// <param name="clock">Stamps the traces and times the rounds (the system clock by default).</param>
/// <param name="uncachedEntityReads">Whether entity items the cache lacks are read before their claims or guessed new.</param>
public sealed class AggregateWriter(
    IAggregateItems items,
    IDedupStore dedup,
    int dedupCapacity = AggregateWriter.DefaultDedupCapacity,
    int maxParallelWrites = 16,
    int maxConflictRetries = 20,
    ItemCache? cache = null,
    TimeProvider? clock = null,
    UncachedEntityReads uncachedEntityReads = UncachedEntityReads.Adaptive)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>How often this writer's uncached entity items turned out stored (decides guessing under <see cref="UncachedEntityReads.Adaptive"/>).</summary>
    public EntityPresence Presence { get; } = new();

    /// <summary>Default fingerprints per entity item (8 bytes each: 48 keep a typical entity item within 1 KB).</summary>
    public const int DefaultDedupCapacity = 48;

    /// <summary>
    /// Applies <paramref name="events"/> (all from one shard, in shard order, duplicates included) exactly once per
    /// item, whatever was applied by earlier, partially failed deliveries of the same records.
    /// </summary>
    public async Task<ApplyOutcome> ApplyAsync(IReadOnlyList<SequencedEvent> events, AggregationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return new ApplyOutcome(0, 0, 0, 0, 0, 0, new HashSet<string>(), []);
        }

        var shard = events[0].ShardId;
        var byEntity = new Dictionary<EntityKey, List<SequencedEvent>>();
        var byKey = new Dictionary<AggregateKey, List<(SequencedEvent Source, decimal Value)>>();
        var contributions = new Contribution[8];
        foreach (var se in events)
        {
            if (se.ShardId != shard)
            {
                throw new ArgumentException("all events of a batch come from one shard", nameof(events));
            }

            var count = Aggregator.ItemContributionsOf(se.Event, se.ContextFor(context), ref contributions);
            for (var i = 0; i < count; i++)
            {
                var c = contributions[i];
                if (c.Key is EntityKey ek)
                {
                    Add(byEntity, ek, se);
                    continue;
                }

                Add(byKey, c.Key, (se, c.Value));
            }
        }

        var readStarted = _clock.GetTimestamp();
        var current = new Dictionary<AggregateKey, StoredAggregate>();
        var uncachedEntities = new List<AggregateKey>();
        var uncachedOthers = new List<AggregateKey>();
        foreach (var key in byEntity.Keys.Cast<AggregateKey>().Concat(byKey.Keys))
        {
            if (cache?.Get(key) is { } hit)
            {
                current[key] = hit;
            }
            else
            {
                (key is EntityKey ? uncachedEntities : uncachedOthers).Add(key);
            }
        }

        // Uncached entity items are either read first, or guessed new: then the claims go out at once and the other
        // items are read alongside them (the second round needs them, the first does not).
        var guessNew = uncachedEntities.Count > 0 && uncachedEntityReads switch
        {
            UncachedEntityReads.WriteFirst => true,
            UncachedEntityReads.ReadFirst => false,
            _ => Presence.GuessNew,
        };
        Task<IReadOnlyDictionary<AggregateKey, StoredAggregate>>? othersRead = null;
        if (guessNew)
        {
            othersRead = uncachedOthers.Count > 0 ? items.ReadAsync(uncachedOthers, cancellationToken) : null;
        }
        else if (uncachedEntities.Count + uncachedOthers.Count > 0)
        {
            foreach (var (k, v) in await items.ReadAsync([.. uncachedEntities, .. uncachedOthers], cancellationToken))
            {
                current[k] = v;
            }

            Presence.Observe(uncachedEntities.Count, uncachedEntities.Count(current.ContainsKey));
        }

        var readTime = _clock.GetElapsedTime(readStarted);
        var dedupStarted = _clock.GetTimestamp();
        var counts = new Counts();
        var owned = new ConcurrentDictionary<SequencedEvent, bool>(ReferenceEqualityComparer.Instance);
        var failedEntities = new ConcurrentBag<EntityKey>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallelWrites, CancellationToken = cancellationToken };

        try
        {
            await Parallel.ForEachAsync(byEntity, options, async (entry, ct) =>
            {
                var stored = current.GetValueOrDefault(entry.Key);
                if (!await ClaimAsync(entry.Key, entry.Value, stored, guessNew && stored is null, shard, context, owned, counts, ct))
                {
                    failedEntities.Add(entry.Key);
                }
            });
        }
        catch when (othersRead is not null)
        {
            // The batch fails as a whole; the read alongside is not awaited, so its own failure must not go unobserved.
            _ = othersRead.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        // The claim round ends here: waiting for a read that outlasts it is read time, counted once (it used to be in both).
        var dedupTime = _clock.GetElapsedTime(dedupStarted);
        Presence.Observe(counts.Guessed, counts.GuessedStored);
        if (othersRead is not null)
        {
            var waitStarted = _clock.GetTimestamp();
            foreach (var (k, v) in await othersRead)
            {
                current[k] = v;
            }

            readTime += _clock.GetElapsedTime(waitStarted);
        }

        var writeStarted = _clock.GetTimestamp();

        // Nothing at or after the first undecided event enters the second round: its records are retried as a whole.
        StreamPosition? cut = failedEntities.IsEmpty ? null : failedEntities.SelectMany(k => byEntity[k]).Min(se => se.Position);
        bool InSecondRound(SequencedEvent se) => owned.ContainsKey(se) && (cut is null || se.Position < cut.Value);

        var failedKeys = new ConcurrentDictionary<AggregateKey, bool>();
        await Parallel.ForEachAsync(byKey, options, async (entry, ct) =>
        {
            var contributions = entry.Value.Where(c => InSecondRound(c.Source)).ToList();
            if (contributions.Count > 0 && !await FoldAsync(entry.Key, contributions, current.GetValueOrDefault(entry.Key), shard, context, counts, ct))
            {
                failedKeys[entry.Key] = true;
            }
        });

        var writeTime = _clock.GetElapsedTime(writeStarted);
        var failedSequences = new HashSet<string>(StringComparer.Ordinal);
        var applied = new List<SequencedEvent>(events.Count);
        foreach (var se in events)
        {
            if (cut is { } c && se.Position >= c)
            {
                failedSequences.Add(se.Position.SequenceNumber);
            }
            else if (owned.ContainsKey(se))
            {
                if (Aggregator.ItemContributionsOf(se.Event, se.ContextFor(context)).Any(k => failedKeys.ContainsKey(k.Key)))
                {
                    failedSequences.Add(se.Position.SequenceNumber);
                }
                else
                {
                    applied.Add(se);
                }
            }
        }

        return new ApplyOutcome(counts.Writes, counts.Conflicts, counts.Skipped, counts.DedupWrites, counts.Evicted, counts.Duplicates, failedSequences, applied)
        {
            ReadTime = readTime,
            DedupTime = dedupTime,
            WriteTime = writeTime,
        };
    }

    /// <summary>
    /// Round one for one entity item: decides which of its events this position owns and writes the claims.
    /// <paramref name="guessed"/>: the item was not read, and is written as new unless the store answers with it.
    /// </summary>
    private async Task<bool> ClaimAsync(
        EntityKey key, List<SequencedEvent> events, StoredAggregate? stored, bool guessed, string shard, AggregationContext context,
        ConcurrentDictionary<SequencedEvent, bool> owned, Counts counts, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var watermark = stored?.Watermarks.GetValueOrDefault(shard);
            var state = stored?.State ?? Aggregator.CreateItem(key);
            state.ClearChanges();
            var fingerprints = new List<ulong>(stored?.DedupFingerprints ?? []);
            var known = new HashSet<ulong>(fingerprints);
            IReadOnlySet<ulong> overflow = new HashSet<ulong>();
            if (stored?.DedupOverflowUntil is { } until && until > context.Now)
            {
                overflow = (attempt == 0 ? cache?.Overflow(key) : null) ?? await dedup.ReadAsync(key, ct);
                known.UnionWith(overflow);
            }

            var decided = new List<(SequencedEvent Event, bool Owned)>(events.Count);
            StreamPosition? last = null;
            SequencedEvent? firstNew = null;
            foreach (var se in events)
            {
                var skipped = DedupFingerprint.OfSkipped(shard, se.Position);
                if (watermark is not null && se.Position.CompareTo(watermark) <= 0)
                {
                    // Decided by an earlier delivery of this position.
                    decided.Add((se, !known.Contains(skipped)));
                    continue;
                }

                last = se.Position;
                firstNew ??= se;
                var id = DedupFingerprint.Of(se.Event.DedupKey);
                if (known.Add(id))
                {
                    fingerprints.Add(id);
                    state.Apply(se.Event, 0, se.ContextFor(context));
                    decided.Add((se, true));
                }
                else
                {
                    known.Add(skipped);
                    fingerprints.Add(skipped);
                    decided.Add((se, false));
                }
            }

            if (last is null)
            {
                Interlocked.Increment(ref counts.Skipped);
                Record(decided, owned, counts);
                return true;
            }

            var overflowUntil = stored?.DedupOverflowUntil;
            // Only fingerprints already committed with the item may move: a chunk left behind by a write that then fails
            // must not hold the fingerprint of an event that was not applied (its retry would take itself for a copy).
            var committed = stored?.DedupFingerprints.Count ?? 0;
            if (fingerprints.Count > dedupCapacity && committed > 0)
            {
                var move = Math.Min(committed, fingerprints.Count - (dedupCapacity / 2));
                if (await dedup.AppendAsync(key, fingerprints.GetRange(0, move), context.Now, ct) is not { } keptUntil)
                {
                    return false;
                }

                overflowUntil = overflowUntil is { } o && o > keptUntil ? o : keptUntil;
                overflow = new HashSet<ulong>(overflow.Concat(fingerprints.GetRange(0, move)));

                Interlocked.Increment(ref counts.DedupWrites);
                fingerprints.RemoveRange(0, move);
            }

            var version = stored?.Version ?? 0;
            var item = new StoredAggregate(state, version + 1, Advanced(stored, shard, last.Value))
            {
                DedupFingerprints = fingerprints,
                DedupOverflowUntil = overflowUntil,
                // The push this write causes is as late as its oldest new event.
                Trace = new EventTrace(
                    EventTrace.IdOf(shard, firstNew!.Position.SequenceNumber),
                    firstNew.ArrivedAt ?? context.Now,
                    context.Now,
                    _clock.GetUtcNow()),
            };
            var (settled, written, reread) = await SettleAsync(item, version, overflow, attempt, context, counts, ct);
            if (guessed && attempt == 0 && (written || !settled))
            {
                Interlocked.Increment(ref counts.Guessed);
                if (!settled)
                {
                    Interlocked.Increment(ref counts.GuessedStored);
                }
            }

            if (settled)
            {
                if (written)
                {
                    Record(decided, owned, counts);
                }

                return written;
            }

            stored = reread;
        }
    }

    /// <summary>Round two for one metric item or late-event record: fold the owned events after its watermark.</summary>
    private async Task<bool> FoldAsync(
        AggregateKey key, List<(SequencedEvent Source, decimal Value)> contributions, StoredAggregate? stored, string shard,
        AggregationContext context, Counts counts, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var watermark = stored?.Watermarks.GetValueOrDefault(shard);
            var state = stored?.State ?? Aggregator.CreateItem(key);
            state.ClearChanges();
            var fresh = contributions.Where(c => watermark is null || c.Source.Position.CompareTo(watermark) > 0).ToList();
            if (fresh.Count == 0)
            {
                Interlocked.Increment(ref counts.Skipped);
                return true;
            }

            var version = stored?.Version ?? 0;
            IReadOnlyList<WindowState> evicted = [];
            if (state is MetricState metric)
            {
                // Evictions are taken from the committed state before the new events are folded, so whichever attempt or
                // writer from this version stores an evicted window stores the same statistics for it.
                var targeted = TargetedWindows(metric, fresh, context);
                await RestoreEvictedAsync(metric, targeted, ct);
                evicted = metric.TakeEvictable(context.Options.GracePeriod, targeted);
            }

            foreach (var (se, value) in fresh)
            {
                state.Apply(se.Event, value, se.ContextFor(context));
            }

            if (evicted.Count > 0)
            {
                if (await items.StoreEvictedAsync(evicted, version + 1, context.Now, ct) != WriteOutcome.Written)
                {
                    return false;
                }

                Interlocked.Add(ref counts.Evicted, evicted.Count);
            }

            var item = new StoredAggregate(state, version + 1, Advanced(stored, shard, fresh[^1].Source.Position));
            var (settled, written, reread) = await SettleAsync(item, version, null, attempt, context, counts, ct);
            if (settled)
            {
                return written;
            }

            stored = reread;
        }
    }

    private static HashSet<WindowKey> TargetedWindows(MetricState metric, List<(SequencedEvent Source, decimal Value)> fresh, AggregationContext context)
    {
        var targeted = new HashSet<WindowKey>();
        foreach (var (se, _) in fresh)
        {
            foreach (var g in Granularities.All)
            {
                if (metric.WindowOf(se.Event, g, se.ContextFor(context)) is { } w)
                {
                    targeted.Add(w);
                }
            }
        }

        return targeted;
    }

    /// <summary>Windows the events land in that were evicted from the metric item come back before they are folded into.</summary>
    private async Task RestoreEvictedAsync(MetricState metric, HashSet<WindowKey> targeted, CancellationToken ct)
    {
        var wanted = targeted.Where(metric.MayBeEvicted).Cast<AggregateKey>().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var found in (await items.ReadAsync(wanted, ct)).Values)
        {
            if (found.State is WindowState window)
            {
                metric.Restore(window);
            }
        }
    }

    /// <summary>Writes one item: settled (written, or failed for this attempt), or a conflict to fold again onto the item re-read.</summary>
    private async Task<(bool Settled, bool Written, StoredAggregate? Reread)> SettleAsync(
        StoredAggregate item, long version, IReadOnlySet<ulong>? overflow, int attempt, AggregationContext context, Counts counts, CancellationToken ct)
    {
        var result = await WriteAsync(item, version, context.Now, overflow, ct);
        switch (result.Outcome)
        {
            case WriteOutcome.Written:
                Interlocked.Increment(ref counts.Writes);
                return (true, true, null);
            case WriteOutcome.Conflict when attempt < maxConflictRetries:
                Interlocked.Increment(ref counts.Conflicts);
                return (false, false, result.Current ?? await items.ReadAsync(item.State.Key, ct));
            default:
                return (true, false, null);
        }
    }

    /// <summary>A conditional write that keeps the cache right: the written item on success, nothing when the outcome is unknown.</summary>
    private async Task<WriteResult> WriteAsync(StoredAggregate item, long expectedVersion, DateTimeOffset now, IReadOnlySet<ulong>? overflow, CancellationToken ct)
    {
        cache?.Forget(item.State.Key);
        var result = await items.WriteAsync(item, expectedVersion, now, ct);
        if (result.Outcome == WriteOutcome.Written)
        {
            cache?.Put(item, overflow);
        }

        return result;
    }

    private static Dictionary<string, string> Advanced(StoredAggregate? stored, string shard, StreamPosition last)
    {
        var watermarks = stored is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(stored.Watermarks, StringComparer.Ordinal);
        watermarks[shard] = last.Encoded;
        return watermarks;
    }

    private static void Record(List<(SequencedEvent Event, bool Owned)> decided, ConcurrentDictionary<SequencedEvent, bool> owned, Counts counts)
    {
        foreach (var (se, isOwned) in decided)
        {
            if (isOwned)
            {
                owned[se] = true;
            }
            else
            {
                Interlocked.Increment(ref counts.Duplicates);
            }
        }
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }

        list.Add(value);
    }

    /// <summary>Counters shared by the parallel writes of one batch.</summary>
    private sealed class Counts
    {
        public int Writes;
        public int Conflicts;
        public int Skipped;
        public int DedupWrites;
        public int Evicted;
        public int Duplicates;
        public int Guessed;
        public int GuessedStored;
    }
}
