using EventPipeline.Application.Ingest;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Testing;

namespace EventPipeline.Application.Tests.Ingest;

/// <summary>The exactly-once protocol over in-memory ports: claims in entity items, fingerprints moving to the dedup store, metric items.</summary>
public sealed class AggregateWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly AggregationContext Context = new(Now, AggregationOptions.Default);

    private static SequencedEvent At(string shard, int sequence, string id, string entity = "1", DateTimeOffset? occurredAt = null, DateTimeOffset? arrived = null) => new(
        new CanonicalEvent("t", "src", id, "x.y", occurredAt ?? Now.AddMinutes(-1), new EntityRef("order", entity),
            new Dictionary<string, decimal> { ["amount"] = 2 }, new Dictionary<string, string>()),
        shard,
        new StreamPosition(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, 0),
        arrived);

    private static long EventsTotal(InMemoryAggregateItems items) => ((MetricState)items.All[new TotalKey("t", Aggregator.EventsMetric)].State).Total.Stats.Count;

    /// <summary>
    /// Entity items guessed new: the claims go out while the metric items are read alongside. When that read outlasts the
    /// claims, the wait is read time only: the stages of a batch's log line add up to its time, nothing counted twice.
    /// </summary>
    [Fact]
    public async Task Apply_ReadAlongsideOutlastsTheClaims_TheWaitIsReadTimeOnly()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var clock = new ArmedClock(fake);
        var items = new TimedItems(new InMemoryAggregateItems(), fake, clock, claims: 2, claimTime: TimeSpan.FromMilliseconds(10), readAfterClaims: TimeSpan.FromMilliseconds(50));
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)), clock: clock, uncachedEntityReads: UncachedEntityReads.WriteFirst);

        var outcome = await writer.ApplyAsync([At("a", 10, "e1", entity: "1"), At("a", 11, "e2", entity: "2")], Context, default);

        Assert.Equal(2, outcome.Applied.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(20), outcome.DedupTime);
        Assert.Equal(TimeSpan.FromMilliseconds(50), outcome.ReadTime);
    }

    /// <summary>
    /// A fake clock that, once armed (the claims are done), completes <see cref="SecondStamp"/> at the second timestamp
    /// the writer takes: the end of the claim round, then the start of its wait for the read. The read finishes only
    /// then, so the test does not race the writer's own clock reads.
    /// </summary>
    private sealed class ArmedClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stamps = -1;

        public Task SecondStamp => _second.Task;

        public void Arm() => Interlocked.Exchange(ref _stamps, 0);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp()
        {
            var stamp = inner.GetTimestamp();
            if (Volatile.Read(ref _stamps) >= 0 && Interlocked.Increment(ref _stamps) == 2)
            {
                _second.TrySetResult();
            }

            return stamp;
        }
    }

    /// <summary>
    /// In-memory items on a fake clock: each entity write takes <c>claimTime</c>; a read of other items takes
    /// <c>readAfterClaims</c> once the writer is waiting for it after the claims (or after a second, when it never waits).
    /// </summary>
    private sealed class TimedItems(
        InMemoryAggregateItems inner, Microsoft.Extensions.Time.Testing.FakeTimeProvider fake, ArmedClock clock, int claims, TimeSpan claimTime, TimeSpan readAfterClaims)
        : IAggregateItems
    {
        private readonly Lock _gate = new();
        private int _claims;

        public async Task<IReadOnlyDictionary<AggregateKey, StoredAggregate>> ReadAsync(IReadOnlyCollection<AggregateKey> keys, CancellationToken cancellationToken)
        {
            if (keys.All(k => k is not EntityKey))
            {
                await Task.WhenAny(clock.SecondStamp, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
                fake.Advance(readAfterClaims);
            }

            return await inner.ReadAsync(keys, cancellationToken);
        }

        public Task<StoredAggregate?> ReadAsync(AggregateKey key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);

        public async Task<WriteResult> WriteAsync(StoredAggregate item, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var result = await inner.WriteAsync(item, expectedVersion, now, cancellationToken);
            if (item.State.Key is EntityKey)
            {
                lock (_gate)
                {
                    fake.Advance(claimTime);
                    if (++_claims == claims)
                    {
                        clock.Arm();
                    }
                }
            }

            return result;
        }

        public Task<WriteOutcome> StoreEvictedAsync(IReadOnlyCollection<WindowState> windows, long metricVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.StoreEvictedAsync(windows, metricVersion, now, cancellationToken);
    }

    [Fact]
    public async Task Apply_CopyOnAnotherShard_IsSkippedAndCountedOnce()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)));

        await writer.ApplyAsync([At("a", 10, "e1")], Context, default);
        var copy = await writer.ApplyAsync([At("b", 99, "e1")], Context, default);

        Assert.Equal(1, copy.Duplicates);
        Assert.Equal(1, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_RedeliveryOfBatchWithSkippedCopy_KeepsTheCopySkipped()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)));
        await writer.ApplyAsync([At("a", 10, "e1")], Context, default);
        SequencedEvent[] batch = [At("b", 20, "e1"), At("b", 30, "e2")];

        await writer.ApplyAsync(batch, Context, default);
        var again = await writer.ApplyAsync(batch, Context, default);

        Assert.Equal(1, again.Duplicates);
        Assert.Equal(2, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_FingerprintsPastCapacity_MoveToDedupStoreAndStillCatchCopies()
    {
        var items = new InMemoryAggregateItems();
        var dedup = new InMemoryDedupStore(TimeSpan.FromHours(72));
        var writer = new AggregateWriter(items, dedup, dedupCapacity: 2);
        for (var i = 0; i < 6; i++)
        {
            await writer.ApplyAsync([At("a", 10 + i, "e" + i)], Context, default);
        }

        var copy = await writer.ApplyAsync([At("b", 5, "e0")], Context, default);

        Assert.True(dedup.Appends > 0);
        Assert.True(items.All[new EntityKey("t", new EntityRef("order", "1"))] is { } entity && entity.DedupFingerprints.Count <= 2);
        Assert.Equal(1, copy.Duplicates);
        Assert.Equal(6, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_DedupStoreRefusesMove_RecordFailsAndNothingIsApplied()
    {
        var items = new InMemoryAggregateItems();
        var dedup = new InMemoryDedupStore(TimeSpan.FromHours(72));
        var writer = new AggregateWriter(items, dedup, dedupCapacity: 2);
        for (var i = 0; i < 4; i++)
        {
            await writer.ApplyAsync([At("a", 10 + i, "e" + i)], Context, default);
        }

        dedup.Refuse = true;
        var refused = await writer.ApplyAsync([At("a", 20, "late-1"), At("a", 21, "late-2", entity: "2")], Context, default);

        Assert.Equal(["20", "21"], refused.FailedSequenceNumbers.Order(StringComparer.Ordinal));
        Assert.Equal(4, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_ClosedWindowsLongPast_AreEvictedAndRestoredForALateArrival()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)));
        var early = Now.AddHours(-5);
        await writer.ApplyAsync([At("a", 1, "old", occurredAt: early, arrived: early)], Context, default);
        await writer.ApplyAsync([At("a", 2, "new", occurredAt: Now, arrived: Now)], Context, default);

        // Evictions are taken from the committed state: the write after the one that moved the latest arrival evicts.
        await writer.ApplyAsync([At("a", 3, "newer", occurredAt: Now, arrived: Now)], Context, default);
        var minute = new WindowKey("t", Aggregator.EventsMetric, Granularity.Minute, Granularity.Minute.BucketStart(early));
        Assert.False(((MetricState)items.All[new TotalKey("t", Aggregator.EventsMetric)].State).Windows.ContainsKey(minute));

        // Arrived long ago, processed now: its minute window was evicted, comes back, and counts both events.
        await writer.ApplyAsync([At("a", 4, "straggler", occurredAt: early, arrived: early)], Context, default);
        var metric = await items.MetricAsync("t", Aggregator.EventsMetric, Granularity.Minute, minute.BucketStart, minute.BucketStart, 10, default);

        Assert.Equal(2, Assert.Single(metric!.Windows).State is WindowState w ? w.Stats.Count : 0);
    }

    [Fact]
    public async Task Apply_NewEvents_EntityItemCarriesTheTraceOfItsOldestNewEvent()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now.AddSeconds(2));
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)), clock: clock);
        var context = new AggregationContext(Now.AddSeconds(1), AggregationOptions.Default);

        await writer.ApplyAsync([At("shardId-1", 10, "e1", arrived: Now), At("shardId-1", 11, "e2", arrived: Now.AddMilliseconds(300))], context, default);

        var trace = items.All[new EntityKey("t", new EntityRef("order", "1"))].Trace;
        Assert.NotNull(trace);
        Assert.Equal("shardId-1:10", trace.Id);
        Assert.Equal(Now, trace.ArrivedAt);
        Assert.Equal(Now.AddSeconds(1), trace.IngestStartedAt);
        Assert.Equal(Now.AddSeconds(2), trace.WriteSentAt);
    }

    [Fact]
    public async Task Apply_RedeliveryAfterANewerWrite_KeepsTheTraceOfTheWriteThatMadeTheItem()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)));
        await writer.ApplyAsync([At("a", 10, "e1", arrived: Now)], Context, default);
        await writer.ApplyAsync([At("a", 20, "e2", arrived: Now.AddSeconds(5))], Context, default);

        await writer.ApplyAsync([At("a", 10, "e1", arrived: Now)], Context, default);

        Assert.Equal("a:20", items.All[new EntityKey("t", new EntityRef("order", "1"))].Trace!.Id);
    }

    [Fact]
    public async Task Apply_Batch_ReportsTheTimeOfEachRound()
    {
        var clock = new SteppingClock(Now, TimeSpan.FromMilliseconds(1));
        var writer = new AggregateWriter(new InMemoryAggregateItems(), new InMemoryDedupStore(TimeSpan.FromHours(72)), clock: clock);

        var outcome = await writer.ApplyAsync([At("a", 10, "e1"), At("a", 11, "e2", entity: "2")], Context, default);

        Assert.True(outcome.ReadTime > TimeSpan.Zero);
        Assert.True(outcome.DedupTime > TimeSpan.Zero);
        Assert.True(outcome.WriteTime > TimeSpan.Zero);
    }

    /// <summary>A clock whose timestamp moves by a step on every read, so every measured span is longer than zero.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public async Task Apply_NewEntitiesGuessedNew_ClaimWithoutReadingTheirItems()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)), cache: new ItemCache(), uncachedEntityReads: UncachedEntityReads.WriteFirst);

        var outcome = await writer.ApplyAsync([At("a", 10, "e1", entity: "1"), At("a", 11, "e2", entity: "2")], Context, default);

        Assert.Equal(2, outcome.Applied.Count);
        Assert.Equal(0, outcome.ConflictRetries);
        Assert.DoesNotContain(items.KeysRead, k => k is EntityKey);
        Assert.Contains(items.KeysRead, k => k is TotalKey); // the metric items are still read, alongside the claims
        Assert.Equal(2, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_StoredEntityGuessedNew_DecidesOnTheItemTheConflictReturned()
    {
        var items = new InMemoryAggregateItems();
        var dedup = new InMemoryDedupStore(TimeSpan.FromHours(72));
        await new AggregateWriter(items, dedup).ApplyAsync([At("a", 10, "e1")], Context, default);
        // A new instance (nothing cached) that guesses: a copy of e1 from another shard and a new event of the same entity.
        var fresh = new AggregateWriter(items, dedup, cache: new ItemCache(), uncachedEntityReads: UncachedEntityReads.WriteFirst);
        var readsBefore = items.KeysRead.Count(k => k is EntityKey);

        var outcome = await fresh.ApplyAsync([At("b", 20, "e1"), At("b", 21, "e2")], Context, default);

        Assert.Equal(1, outcome.Duplicates);
        Assert.Equal(1, outcome.ConflictRetries);
        Assert.Equal(readsBefore, items.KeysRead.Count(k => k is EntityKey)); // the conflict carried the stored item
        Assert.Equal(2, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_Adaptive_ReadsFirstGuessesOnceMostAreNewAndStopsWhenTheyAreStored()
    {
        var items = new InMemoryAggregateItems();
        var dedup = new InMemoryDedupStore(TimeSpan.FromHours(72));
        var writer = new AggregateWriter(items, dedup, cache: new ItemCache());
        SequencedEvent[] Batch(string shard, int from, int count) =>
            Enumerable.Range(from, count).Select(i => At(shard, i, $"{shard}{i}", entity: i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        await writer.ApplyAsync(Batch("a", 1, 40), Context, default); // a new instance reads first: all 40 new
        var readFirst = items.KeysRead.Count(k => k is EntityKey);
        await writer.ApplyAsync(Batch("a", 41, 5), Context, default); // now it guesses
        var guessedReads = items.KeysRead.Count(k => k is EntityKey) - readFirst;
        await new AggregateWriter(items, dedup).ApplyAsync(Batch("b", 100, 40), Context, default); // another instance makes 40 more
        var beforeWrong = items.KeysRead.Count(k => k is EntityKey);
        var wrong = await writer.ApplyAsync(Batch("a", 100, 40).Select(e => e with { Event = e.Event with { EventId = "again" + e.Event.EventId } }).ToArray(), Context, default);
        var afterWrong = items.KeysRead.Count(k => k is EntityKey);
        await writer.ApplyAsync(Batch("a", 200, 1), Context, default);

        Assert.Equal(40, readFirst);
        Assert.Equal(0, guessedReads);
        Assert.InRange(wrong.ConflictRetries, 40, 42); // guessed new, all stored (and the metric items the other instance changed)
        Assert.Equal(beforeWrong, afterWrong); // each conflict carried the item: no re-read
        Assert.Equal(afterWrong, items.KeysRead.Count(k => k is EntityKey) - 1); // and from then on it reads first
        Assert.Equal(40 + 5 + 40 + 40 + 1, EventsTotal(items));
    }

    [Fact]
    public async Task Apply_ReadFirst_ReadsUncachedEntityItemsBeforeClaiming()
    {
        var items = new InMemoryAggregateItems();
        var writer = new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72)), uncachedEntityReads: UncachedEntityReads.ReadFirst);

        await writer.ApplyAsync([At("a", 10, "e1")], Context, default);

        Assert.Contains(items.KeysRead, k => k is EntityKey);
        Assert.Equal(1, EventsTotal(items));
    }
}
