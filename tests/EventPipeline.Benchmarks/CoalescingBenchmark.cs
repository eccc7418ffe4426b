using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using EventPipeline.Application.Ingest;
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
/// Coalescing: a Zipf-skewed workload over many entities through the real <see cref="IngestPipeline"/> (one write per
/// distinct aggregate key per batch) next to a naive writer measured in the same run on the same workload (one
/// UpdateItem per event per aggregate key). Prints writes, writes per event, wall time and throughput, and the ratios.
/// <c>coalescing [--events 20000] [--entities 10000] [--batch 1000] [--zipf 1.1] [--seed 1] [--dynamodb http://127.0.0.1:8000]</c>
/// </summary>
internal static class CoalescingBenchmark
{
    private static readonly string[] Statuses = ["new", "open", "paid", "shipped", "closed"];

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 20_000);
        var entities = IntArg(args, "--entities", 10_000);
        var batchSize = IntArg(args, "--batch", 1_000);
        var zipf = double.Parse(Arg(args, "--zipf") ?? "1.1", CultureInfo.InvariantCulture);
        var seed = IntArg(args, "--seed", 1);
        var endpoint = Arg(args, "--dynamodb");

        LocalStack? stack = null;
        if (endpoint is null)
        {
            Console.WriteLine("starting the local stack (DynamoDB Local on a free port)...");
            stack = await LocalStack.StartAsync(new LocalStackOptions { GatewayPort = 0, AwsPort = 0, KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0, InMemory = true, WriteEndpointsFile = false });
            endpoint = stack.Endpoints.DynamoDbEndpoint;
        }

        try
        {
            using var dynamo = new CountingDynamoDbClient(new Uri(endpoint));

            // Own tables without streams, so the stack's publisher adds no load to the emulator while we measure.
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var aggregates = await CreateTableAsync(dynamo, $"bench-aggregates-{suffix}");
            var dedup = await CreateTableAsync(dynamo, $"bench-dedup-{suffix}");
            var now = DateTimeOffset.UtcNow;
            var workload = Generate(events, entities, zipf, seed, now);

            Console.WriteLine($"workload: {events} events, {entities} entities, zipf {zipf.ToString(CultureInfo.InvariantCulture)}, batches of {batchSize}, " +
                $"{workload.Select(e => e.Entity).Distinct().Count()} distinct entities hit, {workload.Sum(e => e.Measures.Count)} measure values");

            var coalesced = await RunCoalescedAsync(dynamo, aggregates, dedup, workload, batchSize, now);
            var naive = await RunNaiveAsync(dynamo, aggregates, workload, now);

            Console.WriteLine();
            Console.WriteLine($"{"",-26}{"coalesced",14}{"naive",14}{"ratio",10}");
            Row("events", coalesced.Events, naive.Events);
            Row("aggregate item writes", coalesced.ItemWrites, naive.ItemWrites);
            Row("dedup write requests", coalesced.DedupWrites, naive.DedupWrites);
            Row("writes per event", coalesced.WritesPerEvent, naive.WritesPerEvent, "F3");
            Row("wall time (s)", coalesced.Wall.TotalSeconds, naive.Wall.TotalSeconds, "F1");
            Row("events/s", coalesced.EventsPerSecond, naive.EventsPerSecond, "F0");
            Console.WriteLine();
            Console.WriteLine("ratio = naive / coalesced (for events/s: coalesced / naive). The naive writer does less per write than the");
            Console.WriteLine("pipeline (no dedup, no min/max, no last-writer-wins, no exactly-once), so its figures are a lower bound on its cost.");
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

    private static void Row(string name, double coalesced, double naive, string format = "F0")
    {
        var ratio = name == "events/s" ? coalesced / naive : naive / coalesced;
        var shown = name == "events" || coalesced == 0 || naive == 0 ? "" : ratio.ToString("F2", CultureInfo.InvariantCulture) + "x";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-26}{coalesced.ToString(format, CultureInfo.InvariantCulture),14}{naive.ToString(format, CultureInfo.InvariantCulture),14}{shown,10}"));
    }

    private sealed record Result(int Events, long ItemWrites, long DedupWrites, TimeSpan Wall)
    {
        public double WritesPerEvent => (ItemWrites + DedupWrites) / (double)Events;

        public double EventsPerSecond => Events / Wall.TotalSeconds;
    }

    private static async Task<Result> RunCoalescedAsync(CountingDynamoDbClient dynamo, string aggregates, string dedup, List<CanonicalEvent> workload, int batchSize, DateTimeOffset now)
    {
        var clock = new FixedClock(now);
        var pipeline = new IngestPipeline(
            SourceCatalog.Create(new SourceDependencies { Clock = clock }),
            new KplRecordSplitter(),
            new AggregateWriter(new DynamoAggregateItems(dynamo, aggregates)),
            new DynamoDedupStore(dynamo, dedup, clock, PipelineTopology.DedupRetention),
            new InMemoryDeadLetters(),
            clock,
            AggregationOptions.Default,
            "bench");
        long itemWrites = 0, dedupWrites = 0;
        var sequence = System.Numerics.BigInteger.Parse("49600000000000000000000000000000000000000000000000000000", CultureInfo.InvariantCulture);
        var sw = Stopwatch.StartNew();
        foreach (var chunk in workload.Chunk(batchSize))
        {
            var batch = new List<StreamRecord>();
            foreach (var e in chunk)
            {
                sequence += 17;
                var seq = sequence.ToString(CultureInfo.InvariantCulture);
                batch.Add(new StreamRecord("shardId-000000000000", seq, e.Entity.ToString(), CloudEvent(e), now, null));
            }

            var result = await pipeline.ProcessAsync(batch, CancellationToken.None);
            if (result.FailedSequenceNumbers.Count > 0 || result.DeadLettered > 0)
            {
                throw new InvalidOperationException($"batch failed: {result.FailedSequenceNumbers.Count} failed, {result.DeadLettered} dead-lettered");
            }

            itemWrites += result.ItemWrites;
            dedupWrites += result.DedupWrites;
            Console.Write('.');
        }

        Console.WriteLine();
        return new Result(workload.Count, itemWrites, dedupWrites, sw.Elapsed);
    }

    /// <summary>No coalescing: one UpdateItem per event per aggregate key, 16 in flight (same parallelism as the store).</summary>
    private static async Task<Result> RunNaiveAsync(CountingDynamoDbClient dynamo, string table, List<CanonicalEvent> workload, DateTimeOffset now)
    {
        var context = new AggregationContext(now, AggregationOptions.Default);
        var tenant = "naive" + Guid.NewGuid().ToString("N")[..8];
        var before = dynamo.Updates;
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            workload.Select(e => e with { Tenant = tenant }),
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (e, ct) =>
            {
                foreach (var c in Aggregator.ContributionsOf(e, context))
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
            });
        return new Result(workload.Count, dynamo.Updates - before, 0, sw.Elapsed);
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

    private static async Task<string> CreateTableAsync(IAmazonDynamoDB dynamo, string name)
    {
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
        });
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

    /// <summary>Counts UpdateItem calls (the naive writer's writes).</summary>
    private sealed class CountingDynamoDbClient(Uri endpoint)
        : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" })
    {
        private long _updates;

        public long Updates => Interlocked.Read(ref _updates);

        public override async Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default)
        {
            var r = await base.UpdateItemAsync(request, cancellationToken);
            Interlocked.Increment(ref _updates);
            return r;
        }
    }
}
