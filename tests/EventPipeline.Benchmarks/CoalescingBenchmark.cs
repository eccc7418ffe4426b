using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using System.Collections.Concurrent;
using EventPipeline.Application.Ingest;
using EventPipeline.Application.Publish;
using EventPipeline.Aws.Connections;
using EventPipeline.Publish;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Testing;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Local;
using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Benchmarks;

/// <summary>
/// Coalescing, in capacity units (what AWS bills): a Zipf-skewed workload over many entities through the real
/// <see cref="IngestPipeline"/> at batch sizes 1, 5, 100 and 1,000, each next to a naive writer measured in the same
/// run on the same workload (one UpdateItem per event per aggregate key). Capacity is what DynamoDB Local returns with
/// ReturnConsumedCapacity = TOTAL, plus what it returns nothing for but AWS bills, computed from item sizes: failed
/// conditional writes and reads of missing items (<see cref="CapacityCountingDynamoDbClient"/>). Prints per batch size
/// <c>wru-per-event batch=N pipeline=… dedup=… naive=… floor=… rru-per-event=…</c>, then throughput.
/// <c>coalescing [--events 3000] [--entities 10000] [--batches 1,5,100,1000] [--shards 1] [--zipf 1.1] [--seed 1] [--uncached-entity-reads adaptive|read-first|write-first] [--dynamodb http://127.0.0.1:8000]</c>
/// </summary>
internal static class CoalescingBenchmark
{
    private static readonly string[] Statuses = ["new", "open", "paid", "shipped", "closed"];

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 3_000);
        var entities = IntArg(args, "--entities", 10_000);
        var batchSizes = (Arg(args, "--batches") ?? Arg(args, "--batch") ?? "1,5,100,1000").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        var zipf = double.Parse(Arg(args, "--zipf") ?? "1.1", CultureInfo.InvariantCulture);
        var seed = IntArg(args, "--seed", 1);
        var shards = IntArg(args, "--shards", 1);
        var endpoint = Arg(args, "--dynamodb");
        var uncachedEntityReads = Enum.Parse<UncachedEntityReads>((Arg(args, "--uncached-entity-reads") ?? nameof(UncachedEntityReads.Adaptive)).Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

        LocalStack? stack = null;
        if (endpoint is null)
        {
            Console.WriteLine("starting the local stack (DynamoDB Local on a free port)...");
            stack = await LocalStack.StartAsync(new LocalStackOptions { GatewayPort = 0, AwsPort = 0, KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0, InMemory = true, WriteEndpointsFile = false });
            endpoint = stack.Endpoints.DynamoDbEndpoint;
        }

        try
        {
            // Own tables without streams, so the stack's publisher adds no load to the emulator while we measure.
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var aggregates = $"bench-aggregates-{suffix}";
            using var dynamo = new CapacityCountingDynamoDbClient(new Uri(endpoint), aggregates);
            await CreateTableAsync(dynamo, aggregates);
            var dedup = await CreateTableAsync(dynamo, $"bench-dedup-{suffix}");
            // Publish's tables, counted apart: what the stream of the pipeline's writes costs Publish (sequences, change log,
            // subscriber lookups). No connection subscribes, so no push is posted; the lookups are made all the same.
            using var publishDynamo = new CapacityCountingDynamoDbClient(new Uri(endpoint), "");
            var changeLog = await CreateTableAsync(publishDynamo, $"bench-changelog-{suffix}");
            var connections = await CreateTableAsync(publishDynamo, $"bench-connections-{suffix}", byChannel: true);
            var now = DateTimeOffset.UtcNow;
            Console.WriteLine($"workload: {events} events per batch size, {entities} entities, zipf {zipf.ToString(CultureInfo.InvariantCulture)}, " +
                $"event times over the last 30 minutes, {shards} shard(s) processed concurrently (batch size per shard), uncached entity items: {uncachedEntityReads}; capacity: DynamoDB Local's ConsumedCapacity (TOTAL); " +
                "computed from item sizes by DynamoDB's rules where it returns none (failed conditional writes; reads of missing items, which AWS bills)");

            // Warm-up, not measured: the first phase would otherwise run on tier-0 code and pay the JIT's compilation
            // (the functions ship Native AOT), which made batch 1, measured first, look slower than the naive writer after it.
            var warmup = Generate(Math.Min(events, 600), entities, zipf, seed + 1, now);
            foreach (var b in new[] { 1, 50 })
            {
                await RunPipelineAsync(dynamo, aggregates, dedup, warmup, b, shards, now, uncachedEntityReads);
                await RunNaiveAsync(dynamo, aggregates, warmup, b, shards, now);
            }

            var lines = new List<string>();
            var rows = new List<(int Batch, Result Pipeline, Result Naive)>();
            var publishLines = new List<string>();
            foreach (var batchSize in batchSizes)
            {
                var workload = Generate(events, entities, zipf, seed, now);
                dynamo.AggregateWrites = new ConcurrentQueue<Dictionary<string, AttributeValue>>();
                var pipeline = await RunPipelineAsync(dynamo, aggregates, dedup, workload, batchSize, shards, now, uncachedEntityReads);
                var written = dynamo.AggregateWrites;
                dynamo.AggregateWrites = null;
                var naive = await RunNaiveAsync(dynamo, aggregates, workload, batchSize, shards, now);
                var publish = await RunPublishAsync(publishDynamo, changeLog, connections, written, now);
                publishLines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"publish-per-event batch={batchSize} wru={publish.Wru / workload.Count:F2} rru={publish.Rru / workload.Count:F2} changes={publish.Changes / (double)workload.Count:F2} channel-groups={publish.Groups / (double)workload.Count:F2}"));
                rows.Add((batchSize, pipeline, naive));
                var line = string.Create(
                    CultureInfo.InvariantCulture,
                    $"wru-per-event batch={batchSize} pipeline={pipeline.Wru / pipeline.Events:F2} dedup={pipeline.DedupWru / pipeline.Events:F2} naive={naive.Wru / naive.Events:F2} floor={pipeline.FloorWru / pipeline.Events:F2} rru-per-event={pipeline.Rru / pipeline.Events:F2}");
                lines.Add(line);
                Console.WriteLine(line);
            }

            Console.WriteLine();
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine();
            foreach (var line in publishLines)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine("publish: the same writes as the table's stream hands them to Publish (batches of " +
                $"{PipelineTopology.PublishMapping.BatchSize} records), through the real PublishPipeline on DynamoDB Local: per (tenant, channel) and batch a sequence " +
                "allocation, the change-log pages (up to 25 pushes an item) and a subscriber query; wru and rru are per ingested event; every change also " +
                "goes on the tenant channel, which the Bus function puts on EventBridge, so changes = bus events per event");

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"batch",6} {"pipeline ev/s",14} {"naive ev/s",11} {"ratio",6} {"item writes/ev",15} {"failed-cond WRU/ev",19} {"naive RRU/ev",13} {"cpu µs/ev",10} {"naive cpu µs/ev",16}"));
            foreach (var (batch, p, n) in rows)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{batch,6} {p.EventsPerSecond,14:F0} {n.EventsPerSecond,11:F0} {p.EventsPerSecond / n.EventsPerSecond,6:F2} {p.ItemWrites / (double)p.Events,15:F3} {p.FailedConditionWru / p.Events,19:F3} {n.Rru / n.Events,13:F2} {p.CpuMicrosPerEvent,10:F0} {n.CpuMicrosPerEvent,16:F0}"));
            }

            Console.WriteLine();
            Console.WriteLine("floor = write units of the distinct items each batch must change under this data model (each item's latest size without");
            Console.WriteLine("dedup attributes, rounded up to whole KB); dedup = the dedup attributes' share of entity writes plus dedup-table writes.");
            Console.WriteLine("The naive writer does less per write than the pipeline (no dedup, no min/max, no last-writer-wins, no exactly-once).");
            Console.WriteLine("cpu µs/ev: this process's CPU per event (adapters, fold, SDK, HTTP), the writer's side only; DynamoDB Local's is not in it.");
            return 0;
        }
        finally
        {
            if (stack is not null)
            {
                await stack.DisposeAsync();
            }
        }
    }

    private sealed record Result(int Events, double Wru, double DedupWru, double FloorWru, double Rru, double FailedConditionWru, long ItemWrites, TimeSpan Wall, TimeSpan Cpu)
    {
        public double EventsPerSecond => Events / Wall.TotalSeconds;

        /// <summary>This process's CPU (the writer's side, not DynamoDB Local's) per event, in microseconds.</summary>
        public double CpuMicrosPerEvent => Cpu.TotalMicroseconds / Events;
    }

    /// <summary>
    /// The workload spread over <paramref name="shards"/> shards by partition key (entity), as Kinesis does; each shard's
    /// batches go in order through its own pipeline (its own function instance), the shards at the same time — the
    /// event source mapping's concurrency.
    /// </summary>
    private static async Task<Result> RunPipelineAsync(
        CapacityCountingDynamoDbClient dynamo, string aggregates, string dedup, List<CanonicalEvent> workload, int batchSize, int shards, DateTimeOffset now,
        UncachedEntityReads uncachedEntityReads)
    {
        var clock = new FixedClock(now);
        var (wru, rru, dedupWru, failed) = (dynamo.WriteUnits, dynamo.ReadUnits, dynamo.DedupUnits, dynamo.FailedConditionUnits);
        dynamo.TakeFloor();
        long itemWrites = 0;
        var perShard = ByShard(workload, batchSize, shards);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var lanes = perShard.Select((batches, s) => (Batches: batches, Shard: $"shardId-{s:D12}", Pipeline: new IngestPipeline(
            SourceCatalog.Create(new SourceDependencies { Clock = clock }),
            new KplRecordSplitter(),
            new AggregateWriter(new DynamoAggregateItems(dynamo, aggregates), new DynamoDedupStore(dynamo, dedup, PipelineTopology.DedupRetention), cache: new ItemCache(), uncachedEntityReads: uncachedEntityReads),
            new InMemoryDeadLetters(),
            clock,
            AggregationOptions.Default,
            "bench"))).ToList();
        var sequence = System.Numerics.BigInteger.Parse("49600000000000000000000000000000000000000000000000000000", CultureInfo.InvariantCulture);
        await Task.WhenAll(lanes.Select(lane => Task.Run(async () =>
        {
            var seq = sequence;
            foreach (var chunk in lane.Batches)
            {
                dynamo.Batch = $"{lane.Shard}/{seq}";
                var batch = new List<StreamRecord>();
                foreach (var e in chunk)
                {
                    seq += 17;
                    batch.Add(new StreamRecord(lane.Shard, seq.ToString(CultureInfo.InvariantCulture), e.Entity.ToString(), CloudEvent(e), now, null));
                }

                var result = await lane.Pipeline.ProcessAsync(batch, CancellationToken.None);
                if (result.FailedSequenceNumbers.Count > 0 || result.DeadLettered > 0)
                {
                    throw new InvalidOperationException($"batch failed: {result.FailedSequenceNumbers.Count} failed, {result.DeadLettered} dead-lettered");
                }

                Interlocked.Add(ref itemWrites, result.ItemWrites);
            }
        })));
        var wall = sw.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        var floor = dynamo.TakeFloor();
        return new Result(workload.Count, dynamo.WriteUnits - wru, dynamo.DedupUnits - dedupWru, floor, dynamo.ReadUnits - rru, dynamo.FailedConditionUnits - failed, itemWrites, wall, cpu);
    }

    /// <summary>
    /// No coalescing: one UpdateItem per event per aggregate key. Delivered as the pipeline is, the same batches on the
    /// same shards: each shard's batches one after another (Lambda does not hand a shard's next batch over before the
    /// last one returned), the shards at the same time, and within a batch 16 updates in flight (the store's
    /// parallelism). It used to run all events 16 at a time whatever the batch size, so at batch 1 it had 16 events in
    /// flight on one shard where a consumer of that shard has one.
    /// </summary>
    private static async Task<Result> RunNaiveAsync(CapacityCountingDynamoDbClient dynamo, string table, List<CanonicalEvent> workload, int batchSize, int shards, DateTimeOffset now)
    {
        var context = new AggregationContext(now, AggregationOptions.Default);
        var tenant = "naive" + Guid.NewGuid().ToString("N")[..8];
        var (wru, rru) = (dynamo.WriteUnits, dynamo.ReadUnits);
        var perShard = ByShard(workload, batchSize, shards);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(perShard.Select(batches => Task.Run(async () =>
        {
            foreach (var batch in batches)
            {
                await Parallel.ForEachAsync(
                    batch.Select(e => e with { Tenant = tenant }).SelectMany(e => Aggregator.ContributionsOf(e, context).Select(c => (Event: e, Contribution: c))),
                    new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    (update, ct) => NaiveUpdateAsync(dynamo, table, update.Event, update.Contribution, ct));
            }
        })));
        var wall = sw.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Result(workload.Count, dynamo.WriteUnits - wru, 0, 0, dynamo.ReadUnits - rru, 0, 0, wall, cpu);
    }

    /// <summary>
    /// Publish over the items the pipeline wrote, in write order, as the aggregates table's stream delivers them (new and
    /// old image per record, batches of the Publish mapping's size): the real <see cref="PublishPipeline"/> with the
    /// DynamoDB change log and connection store, capacity counted on its own client.
    /// </summary>
    private static async Task<(double Wru, double Rru, int Changes, int Groups)> RunPublishAsync(
        CapacityCountingDynamoDbClient dynamo, string changeLogTable, string connectionsTable, IEnumerable<Dictionary<string, AttributeValue>> written, DateTimeOffset now)
    {
        var clock = new FixedClock(now);
        var pipeline = new PublishPipeline(
            new DynamoConnectionStore(dynamo, connectionsTable, clock),
            new DynamoChangeLog(dynamo, changeLogTable, clock, TimeSpan.FromHours(24)),
            new NoConnections(),
            clock: clock);
        var (wru, rru) = (dynamo.WriteUnits, dynamo.ReadUnits);
        var images = new Dictionary<(string, string), Dictionary<string, AttributeValue>>();
        var (changes, groups, n) = (0, 0, 0);
        foreach (var records in written.Chunk(PipelineTopology.PublishMapping.BatchSize))
        {
            var batch = new List<AggregateChange>();
            foreach (var item in records)
            {
                var key = (item["pk"].S, item["sk"].S);
                PublishFunction.AddChanges(item, images.GetValueOrDefault(key), batch);
                images[key] = item;
            }

            var result = await pipeline.ProcessAsync(new ChangeBatch($"bench-{n++}", batch), CancellationToken.None);
            changes += result.Changes;
            groups += result.Channels;
        }

        return (dynamo.WriteUnits - wru, dynamo.ReadUnits - rru, changes, groups);
    }

    /// <summary>No connection is subscribed in the benchmark, so nothing is ever posted.</summary>
    private sealed class NoConnections : EventPipeline.Application.Ports.IConnectionPusher
    {
        public Task<EventPipeline.Application.Ports.PushOutcome> PushAsync(string connectionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no connection subscribes in the benchmark");
    }

    /// <summary>The workload spread over <paramref name="shards"/> by partition key (entity), as Kinesis does, in batches of <paramref name="batchSize"/>.</summary>
    private static List<List<CanonicalEvent[]>> ByShard(List<CanonicalEvent> workload, int batchSize, int shards) =>
        workload.GroupBy(e => (int)((uint)StringComparer.Ordinal.GetHashCode(e.Entity.ToString()) % (uint)shards))
            .Select(g => g.Chunk(batchSize).ToList())
            .ToList();

    private static async ValueTask NaiveUpdateAsync(CapacityCountingDynamoDbClient dynamo, string table, CanonicalEvent e, Contribution c, CancellationToken ct)
    {
        var names = new Dictionary<string, string> { ["#n"] = "count" };
        var values = new Dictionary<string, AttributeValue> { [":one"] = new() { N = "1" } };
        var update = new StringBuilder();
        if (c.Key is EntityKey)
        {
            // Attributes as top-level item attributes: the last arrival wins (no event-time ordering).
            var sets = new List<string>();
            var i = 0;
            foreach (var (name, value) in e.Attributes)
            {
                names[$"#a{i}"] = "attr_" + name;
                values[$":a{i}"] = new() { S = value };
                sets.Add($"#a{i} = :a{i}");
                i++;
            }

            update.Append("ADD #n :one");
            if (sets.Count > 0)
            {
                update.Append(" SET ").AppendJoin(", ", sets);
            }
        }
        else
        {
            names["#s"] = "sum";
            values[":v"] = new() { N = c.Value.ToString(CultureInfo.InvariantCulture) };
            update.Append("ADD #n :one, #s :v");
        }

        await dynamo.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = table,
                Key = new() { ["pk"] = new() { S = c.Key.Pk }, ["sk"] = new() { S = c.Key.Sk } },
                UpdateExpression = update.ToString(),
                ExpressionAttributeNames = names.Where(n => update.ToString().Contains(n.Key, StringComparison.Ordinal)).ToDictionary(),
                ExpressionAttributeValues = values.Where(v => update.ToString().Contains(v.Key, StringComparison.Ordinal)).ToDictionary(),
            },
            ct);
    }

    private static List<CanonicalEvent> Generate(int count, int entities, double s, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed);
        var cdf = new double[entities];
        var sum = 0.0;
        for (var k = 0; k < entities; k++)
        {
            sum += 1.0 / Math.Pow(k + 1, s);
            cdf[k] = sum;
        }

        var tenant = "bench" + Guid.NewGuid().ToString("N")[..8];
        var list = new List<CanonicalEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var rank = Array.BinarySearch(cdf, rng.NextDouble() * sum);
            rank = rank < 0 ? ~rank : rank;
            var measures = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["amount"] = rng.Next(1, 100_000) / 100m };
            if (rng.Next(2) == 0)
            {
                measures["qty"] = rng.Next(1, 10);
            }

            if (rng.Next(10) < 3)
            {
                measures["latency"] = rng.Next(1, 5000);
            }

            // Event times spread over the last 30 minutes: ~30 minute windows, 1-2 hour windows, 1-2 day windows.
            var at = now.AddMilliseconds(-rng.Next(0, 30 * 60 * 1000));
            list.Add(new CanonicalEvent(
                tenant, "cloudevents", "/bench#" + i.ToString(CultureInfo.InvariantCulture), "order.updated", at,
                new EntityRef("order", (Math.Min(rank, entities - 1) + 1).ToString(CultureInfo.InvariantCulture)),
                measures, new Dictionary<string, string>(StringComparer.Ordinal) { ["status"] = Statuses[rng.Next(Statuses.Length)] }));
        }

        return list;
    }

    private static byte[] CloudEvent(CanonicalEvent e)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("id", e.EventId["/bench#".Length..]);
            w.WriteString("source", "/bench");
            w.WriteString("type", e.Type);
            w.WriteString("time", e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("subject", $"{e.Entity.Kind}/{e.Entity.Id}");
            w.WriteString("tenant", e.Tenant);
            w.WriteStartObject("data");
            foreach (var (k, v) in e.Measures)
            {
                w.WriteNumber(k, v);
            }

            foreach (var (k, v) in e.Attributes)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    private static async Task<string> CreateTableAsync(CapacityCountingDynamoDbClient dynamo, string name, bool byChannel = false)
    {
        var request = new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
        };
        if (byChannel)
        {
            // The connections table's index as the template declares it: subscriptions by (tenant, channel).
            request.AttributeDefinitions.Add(new(PipelineTopology.Tables.ChannelKey, ScalarAttributeType.S));
            request.AttributeDefinitions.Add(new(PipelineTopology.Tables.ChannelSortKey, ScalarAttributeType.S));
            request.GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = PipelineTopology.Tables.ConnectionsByChannelIndex,
                    KeySchema = [new(PipelineTopology.Tables.ChannelKey, KeyType.HASH), new(PipelineTopology.Tables.ChannelSortKey, KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ];
        }

        await dynamo.CreateTableAsync(request);
        return name;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
