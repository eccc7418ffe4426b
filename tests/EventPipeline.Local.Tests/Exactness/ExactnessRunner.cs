using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Ingest;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;
using EventPipeline.Topology;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Ingest;
using EventPipeline.Aws.Kinesis;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>
/// Runs a generated case through the real Ingest path (CloudEvents adapter, dedup store, aggregate store) on DynamoDB
/// Local, delivering each shard's records the way Lambda's event source mapping does — batches, whole-batch retries
/// after a crash, restarts at the lowest failed sequence, bisection, replays of finished batches — then reads every
/// stored aggregate of the case's tenant back and compares it with the in-memory oracle.
/// </summary>
internal sealed class ExactnessRunner(CrashingDynamoDbClient dynamo, ExactnessTableNames settings)
{
    private const int MaxArms = 6;
    private int _dedupWrites;
    private int _evictedWindows;

    /// <summary>Fingerprint chunks moved to the dedup table by the cases run so far.</summary>
    public int DedupWrites => Volatile.Read(ref _dedupWrites);

    /// <summary>Windows evicted from metric items by the cases run so far.</summary>
    public int EvictedWindows => Volatile.Read(ref _evictedWindows);

    /// <summary>Runs one case; returns null when the store matches the oracle, else a readable diff.</summary>
    public async Task<string?> RunAsync(ExactnessCase c, CaseProfile profile)
    {
        var rng = new Random(c.Seed ^ 0x5eed);
        // Every record arrived at c.Now (as the pipeline decodes the arrival timestamp); processing happens at or after it
        // and moves on with each delivery, so lateness must not depend on when a batch is (re)processed.
        var arrivedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(c.Now.ToUnixTimeMilliseconds() / 1000.0 * 1000));
        var clock = new FakeTimeProvider(arrivedAt);
        var options = new AggregationOptions(settings.GracePeriod);
        var letters = new InMemoryDeadLetters();
        var pipeline = new IngestPipeline(
            SourceCatalog.Create(new SourceDependencies { Clock = clock }),
            new KplRecordSplitter(),
            new AggregateWriter(new DynamoAggregateItems(dynamo, settings.AggregatesTable), new DynamoDedupStore(dynamo, settings.DedupTable, PipelineTopology.DedupRetention), profile.DedupCapacity, cache: new ItemCache(),
                // Each way of starting a claim on an uncached entity item in turn: adaptive, read first, guessed new.
                uncachedEntityReads: (UncachedEntityReads)((uint)c.Seed % 3)),
            letters,
            clock,
            options,
            "ingest-exactness");

        var delivery = new Delivery(pipeline, rng, profile.Crashes ? dynamo : null, c.Now, clock, r =>
        {
            Interlocked.Add(ref _dedupWrites, r.DedupWrites);
            Interlocked.Add(ref _evictedWindows, r.EvictedWindows);
        });
        var shardRuns = c.Shards.Values.Select(records => (Records: records, Batches: Split(records, rng, profile.MaxBatch))).ToList();
        if (profile.ConcurrentShards)
        {
            await Task.WhenAll(shardRuns.Select(s => Task.Run(async () =>
            {
                foreach (var b in s.Batches)
                {
                    await delivery.DeliverAsync(s.Records, b);
                }
            })));
        }
        else
        {
            // Interleave shards at random: another shard's batch may land between a crash and its redelivery.
            var cursors = new int[shardRuns.Count];
            while (true)
            {
                var open = Enumerable.Range(0, shardRuns.Count).Where(i => cursors[i] < shardRuns[i].Batches.Count).ToList();
                if (open.Count == 0)
                {
                    break;
                }

                var s = open[rng.Next(open.Count)];
                await delivery.DeliverAsync(shardRuns[s].Records, shardRuns[s].Batches[cursors[s]++]);
            }
        }

        // A late redelivery of an old batch of any shard (Kinesis may resend after the checkpoint was lost).
        var withBatches = shardRuns.Where(s => s.Batches.Count > 0).ToList();
        if (rng.Next(3) == 0 && withBatches.Count > 0)
        {
            var s = withBatches[rng.Next(withBatches.Count)];
            await delivery.DeliverAsync(s.Records, s.Batches[rng.Next(s.Batches.Count)]);
        }

        if (letters.Entries.Count > 0)
        {
            return $"{c}: unexpected dead letters: {string.Join("; ", letters.Entries.Select(l => l.Reason))}";
        }

        dynamo.Disarm();
        var expected = Aggregator.Fold(c.Events.Select(e => (e.Expected, new AggregationContext(
            e.Arrival is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a.ToUnixTimeMilliseconds()) : arrivedAt, options))));
        var actual = await ReadTenantAsync(c.Tenant);
        return Diff(c, expected, actual);
    }

    private static List<List<ShardRecord>> Split(List<ShardRecord> records, Random rng, int maxBatch)
    {
        var batches = new List<List<ShardRecord>>();
        for (var i = 0; i < records.Count;)
        {
            var n = Math.Min(records.Count - i, rng.Next(1, maxBatch + 1));
            batches.Add(records.GetRange(i, n));
            i += n;
        }

        return batches;
    }

    /// <summary>
    /// Every stored aggregate of <paramref name="tenant"/>, read partition by partition (consistent): entity views,
    /// late-event records, windows evicted to their own items, then the metric items (total and live windows), which win
    /// over an evicted copy of the same window.
    /// </summary>
    private async Task<Dictionary<AggregateKey, AggregateState>> ReadTenantAsync(string tenant)
    {
        var partitions = new List<string>();
        partitions.AddRange(ExactnessCase.AllKinds.Select(k => AggregateKey.EntityPartition(tenant, k)));
        foreach (var metric in ExactnessCase.AllMeasures.Append(Aggregator.EventsMetric))
        {
            partitions.AddRange(Granularities.All.Select(g => AggregateKey.WindowPartition(tenant, metric, g)));
            partitions.Add(new LateEventKey(tenant, metric, "x", "x").Pk);
        }

        partitions.Add(AggregateKey.TotalsPartition(tenant));
        var states = new Dictionary<AggregateKey, AggregateState>();
        foreach (var pk in partitions)
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var response = await dynamo.QueryAsync(new QueryRequest
                {
                    TableName = settings.AggregatesTable,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = pk } },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                });
                foreach (var item in response.Items ?? [])
                {
                    var state = AggregateItemMapper.FromItem(item) ?? throw new InvalidOperationException($"unmappable item {pk} / {item["sk"].S}");
                    foreach (var aggregate in AggregateItemMapper.AggregatesOf(state))
                    {
                        states[aggregate.Key] = aggregate;
                    }
                }

                start = response.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
            }
            while (start is not null);
        }

        return states;
    }

    private static string? Diff(ExactnessCase c, Dictionary<AggregateKey, AggregateState> expected, Dictionary<AggregateKey, AggregateState> actual)
    {
        var sb = new StringBuilder();
        foreach (var (key, want) in expected.OrderBy(k => k.Key.Pk + "|" + k.Key.Sk, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(key, out var got))
            {
                sb.AppendLine($"  missing {key.Pk} / {key.Sk}: expected {Show(want)}");
            }
            else if (!want.SameContentAs(got))
            {
                sb.AppendLine($"  differs {key.Pk} / {key.Sk}:\n    expected {Show(want)}\n    stored   {Show(got)}");
            }
        }

        foreach (var (key, got) in actual.Where(a => !expected.ContainsKey(a.Key)))
        {
            sb.AppendLine($"  unexpected {key.Pk} / {key.Sk}: {Show(got)}");
        }

        return sb.Length == 0 ? null : $"{c}\n{sb}";
    }

    private static string Show(AggregateState s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            AggregateJson.Write(w, s, 0);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Lambda's retry behaviour for one shard's batches.</summary>
    private sealed class Delivery(IngestPipeline pipeline, Random rng, CrashingDynamoDbClient? crashes, DateTimeOffset now, FakeTimeProvider clock, Action<IngestBatchResult> processed)
    {
        private readonly Lock _gate = new();
        private int _arms;

        public async Task DeliverAsync(List<ShardRecord> shard, List<ShardRecord> batch, int depth = 0)
        {
            for (var attempt = 0; ; attempt++)
            {
                MaybeArm(attempt);
                clock.Advance(TimeSpan.FromSeconds(Next(600)));
                IngestBatchResult result;
                try
                {
                    result = await pipeline.ProcessAsync(batch.Select(r => r.ToStreamRecord(now)).ToList(), CancellationToken.None);
                    processed(result);
                }
                catch (InjectedCrashException)
                {
                    // The invocation died: the same batch comes back, or (BisectBatchOnFunctionError) its halves.
                    if (batch.Count > 1 && Next(2) == 0)
                    {
                        await BisectAsync(shard, batch, depth);
                        return;
                    }

                    continue;
                }
                catch (AmazonDynamoDBException)
                {
                    // A dedup-marker write refused outright also fails the invocation.
                    continue;
                }

                if (result.FailedSequenceNumbers.Count == 0)
                {
                    // Finished; sometimes Kinesis delivers it again anyway (lost checkpoint).
                    if (depth == 0 && Next(6) == 0)
                    {
                        await DeliverAsync(shard, batch, depth + 1);
                    }

                    return;
                }

                // ReportBatchItemFailures: resume at the lowest failed sequence (same end of batch), or bisect.
                var lowest = result.FailedSequenceNumbers.Min(s => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
                var from = batch.FindIndex(r => System.Numerics.BigInteger.Parse(r.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture) == lowest);
                if (from < 0)
                {
                    throw new InvalidOperationException($"failed sequence {lowest} is not in the batch");
                }

                if (batch.Count > 1 && Next(3) == 0)
                {
                    await BisectAsync(shard, batch, depth);
                    return;
                }

                batch = batch.GetRange(from, batch.Count - from);
            }
        }

        private async Task BisectAsync(List<ShardRecord> shard, List<ShardRecord> batch, int depth)
        {
            var half = batch.Count / 2;
            await DeliverAsync(shard, batch.GetRange(0, half), depth + 1);
            await DeliverAsync(shard, batch.GetRange(half, batch.Count - half), depth + 1);
        }

        private void MaybeArm(int attempt)
        {
            if (crashes is null)
            {
                return;
            }

            lock (_gate)
            {
                // Bounded number of failures per case so every case terminates; retries are never armed twice in a row.
                if (_arms < MaxArms && attempt == 0 && rng.Next(3) == 0)
                {
                    _arms++;
                    crashes.Arm(rng.Next(0, 12), (CrashMode)rng.Next(4));
                }
            }
        }

        private int Next(int max)
        {
            lock (_gate)
            {
                return rng.Next(max);
            }
        }
    }
}
