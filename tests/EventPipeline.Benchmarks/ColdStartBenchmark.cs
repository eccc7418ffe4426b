using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ingest;
using EventPipeline.Aws;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Local;
using EventPipeline.Local.Functions;
using EventPipeline.Sources;
using EventPipeline.Testing;
using EventPipeline.Topology;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>coldstart [--runs 10] [--big-runs 3]</c>: starts the real Ingest bootstrap process (Native AOT binary, then the JIT
/// build via <c>dotnet X.dll</c>, alternating) against a local Runtime API and hands it a 100-record Kinesis batch that
/// writes to DynamoDB Local through the local AWS endpoint (SigV4-checked, IAM-evaluated), then a second one of the same
/// shape in the same process (warm: what the same work costs once nothing is cold). Each run's stages come from the
/// function's own "ingest batch" log line. Then the largest batch Lambda can deliver (the most of the same records whose
/// event JSON fits the 6 MB synchronous payload limit) on the AOT binary, for its peak RSS. Ends with the
/// <c>coldstart aot-init-ms=… jit-init-ms=… first-batch-ratio=… aot-first-batch-ms=… max-batch-rss-mb=…</c> line.
/// </summary>
internal static class ColdStartBenchmark
{
    /// <summary>Issue 17's targets.</summary>
    private const double InitTargetMs = 20;
    private const double FirstBatchTargetMs = 100;
    private const double RatioTarget = 0.15;
    private const double MaxBatchRssTargetMb = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = IntArg(args, "--runs", 10);
        var bigRuns = IntArg(args, "--big-runs", 3);
        // --aot PATH: another build of the bootstrap (or a wrapper that execs it) in place of artifacts/aot.
        var aot = StringArg(args, "--aot") ?? await FunctionBuilds.AotAsync("Ingest");
        var jit = await FunctionBuilds.JitAsync("Ingest");

        Console.Error.WriteLine("starting the local stack (DynamoDB Local + tables) …");
        // The stack's mappings poll idle shards once an hour: its Publish function would otherwise read the aggregates
        // table's stream right after each measured batch, and on DynamoDB Local (one process serving every call) that
        // slowed the next batch's claims by ~20 ms. In AWS a stream reader does not slow the table's writers.
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            GatewayPort = 0, AwsPort = 0, KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0, InMemory = true, WriteEndpointsFile = false,
            PollIntervalOverride = TimeSpan.FromHours(1),
        });
        await using var api = await RuntimeApiServer.StartAsync();
        var env = Environment(stack);
        // --function-env NAME=VALUE (repeatable): runtime knobs to compare (e.g. DOTNET_GCgen0size), for AOT and JIT alike.
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--function-env" && args[i + 1].Split('=', 2) is [var name, var value])
            {
                env[name] = value;
            }
        }

        var timeout = TimeSpan.FromSeconds(120);
        var aotRuns = new List<Run>();
        var jitRuns = new List<Run>();
        // The emulator warm before anything is measured, as DynamoDB is in AWS: a fresh DynamoDB Local JVM compiles its hot
        // paths during the first few thousand requests, which moved the AOT first batch by ± 15 ms between runs (the claim
        // round 21.5 ms in one run, 35 ms in another) and the runs measured a JVM warming up under them.
        var table = env["AGGREGATES_TABLE"];
        using var direct = AwsClients.Create(new AwsEndpoints { Region = env["AWS_REGION"], Credentials = AwsEndpoints.LocalCredentials(), DynamoDb = new Uri(stack.Endpoints.DynamoDbEndpoint) });
        using var edge = AwsClients.Create(AwsEndpoints.FromEnvironment(name => env.GetValueOrDefault(name)));
        var warmed = await WarmEmulatorAsync(edge.DynamoDb, table);
        // Then idle a moment: the JVM's compiler threads finish in the background, and would take CPU from the first runs.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Console.Error.WriteLine($"emulator warmed: {warmed.Puts} conditional puts and {warmed.Reads} BatchGetItem of 10 keys in {warmed.Elapsed.TotalSeconds:F1} s, then 5 s idle");

        // One unmeasured start of each first: the page cache then holds both builds, as it would on a warm Lambda host.
        await FunctionProcess.RunAsync(api, aot, null, env, Batches("warm-aot"), timeout);
        await FunctionProcess.RunAsync(api, "dotnet", jit, env, Batches("warm-jit"), timeout);
        // Every measured batch meets its items in the same state: they exist (it reads and conditionally updates them), each
        // entity item holding one earlier event. A tenant of its own per batch, seeded from this process: when every run
        // hit the same ten entities, their fingerprints outgrew the item and every later run also queried and appended
        // dedup chunks, so a run's cost grew with its index.
        var seeder = Seeder(stack, env);
        for (var i = 0; i < runs; i++)
        {
            Console.Error.WriteLine($"run {i + 1}/{runs} …");
            aotRuns.Add(Run.Of(Checked(await FunctionProcess.RunAsync(api, aot, null, env, await SeededBatchesAsync(seeder, $"aot-{i}"), timeout))));
            jitRuns.Add(Run.Of(Checked(await FunctionProcess.RunAsync(api, "dotnet", jit, env, await SeededBatchesAsync(seeder, $"jit-{i}"), timeout))));
        }

        var (bigPayload, bigRecords) = LargestBatch("big-0");
        var bigRss = new List<double>();
        var bigMs = new List<double>();
        for (var i = 0; i < bigRuns; i++)
        {
            var payload = i == 0 ? bigPayload : LargestBatch($"big-{i}").Payload;
            var big = Checked(await FunctionProcess.RunOnceAsync(api, aot, null, env, payload, TimeSpan.FromMinutes(5)));
            bigRss.Add(big.PeakRssKb / 1024.0);
            bigMs.Add(big.Elapsed.TotalMilliseconds);
        }

        // The emulator's own latency in the same run: what a batch's writes cost when nothing in the function is cold.
        var directFloor = await FloorAsync(direct.DynamoDb, table);
        var edgeFloor = await FloorAsync(edge.DynamoDb, table);
        var entity = new EventPipeline.Domain.Aggregation.EntityKey("bench", new EventPipeline.Domain.EntityRef("order", "0"));
        var stored = (await edge.DynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["pk"] = new AttributeValue { S = entity.Pk }, ["sk"] = new AttributeValue { S = entity.Sk } } })).Item;
        var itemFloor = stored is { Count: > 0 } ? await FloorAsync(edge.DynamoDb, table, stored) : (double.NaN, double.NaN, double.NaN);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"coldstart: Ingest, 100-record Kinesis batch (CloudEvents, 10 entities) → DynamoDB Local through the local AWS endpoint, {runs} runs each, AOT and JIT alternating; each batch on items of its own that exist (one event per entity stored beforehand); the stack's stream pollers idle");
        Console.WriteLine($"  cores: {System.Environment.ProcessorCount}, load average {LoadAverage()} (shared with other work on this machine)");
        Console.WriteLine("  init        = process start → first GET /next (runtime start-up + composition root; Lambda's Init Duration)");
        Console.WriteLine("  first batch = process start → first response posted (init + the first invocation: what a batch waits for on a cold start)");
        Console.WriteLine("  invocation  = GET /next → response posted (Lambda's Duration); runtime = invocation − handler (receive + decode the event, post the answer)");
        Console.WriteLine("  handler stages from the function's log line: adapt (decode + adapt), read (BatchGetItem), claim (entity items: dedup + conditional puts), fold (metric items)");
        Console.WriteLine("  medians (ms):");
        Console.WriteLine(string.Format(inv, "  {0,-9} {1,7} {2,12} {3,8} {4,11} {5,8} {6,8} {7,7} {8,7} {9,7} {10,8}", "", "init", "first batch", "p90", "invocation", "runtime", "handler", "adapt", "read", "claim", "fold"));
        Row("AOT cold", aotRuns.Select(r => r.Cold).ToList(), withStart: true);
        Row("JIT cold", jitRuns.Select(r => r.Cold).ToList(), withStart: true);
        Row("AOT warm", aotRuns.Select(r => r.Warm).ToList(), withStart: false);
        Row("JIT warm", jitRuns.Select(r => r.Warm).ToList(), withStart: false);
        Console.WriteLine(string.Format(inv, "  peak RSS (MB, two 100-record batches): AOT {0:F1}, JIT {1:F1}", Median(aotRuns.Select(r => r.PeakRssMb)), Median(jitRuns.Select(r => r.PeakRssMb))));

        var aotInit = Median(aotRuns.Select(r => r.InitMs));
        var jitInit = Median(jitRuns.Select(r => r.InitMs));
        var aotFirst = Median(aotRuns.Select(r => r.FirstBatchMs));
        var jitFirst = Median(jitRuns.Select(r => r.FirstBatchMs));
        var ratio = aotFirst / jitFirst;
        var invocationRatio = Median(aotRuns.Select(r => r.Cold.InvocationMs)) / Median(jitRuns.Select(r => r.Cold.InvocationMs));
        var maxRss = bigRss.Max();
        Console.WriteLine(string.Format(inv, "  largest batch Lambda can deliver: {0:N0} of these records, event JSON {1:N0} bytes (limit {2:N0}: 6 MB synchronous payload); AOT, {3} runs: first batch median {4:F0} ms, peak RSS max {5:F1} MB",
            bigRecords, bigPayload.Length, LambdaLimits.SynchronousPayloadBytes, bigRuns, Median(bigMs), maxRss));
        Console.WriteLine(string.Format(inv, "  emulator floor, same run (warm client in this process; a conditional PutItem of 1.5 KB + 48 fingerprints, the shape of an entity write; medians): DynamoDB Local direct {0:F1} ms one, {1:F1} ms ten in parallel; through the local AWS endpoint (SigV4 check + IAM, the function's role) {2:F1} ms one, {3:F1} ms ten in parallel",
            directFloor.One, directFloor.Ten, edgeFloor.One, edgeFloor.Ten));
        Console.WriteLine(string.Format(inv, "    the function's own entity item (order/0 as stored, {0:N0} attributes) replayed the same way through the local AWS endpoint: {1:F1} ms one, {2:F1} ms ten in parallel",
            stored?.Count ?? 0, itemFloor.Item1, itemFloor.Item3));
        Console.WriteLine(string.Format(inv, "    a 100-record batch makes 3 rounds in order (1 BatchGetItem; 10 entity puts, as replayed; 3 metric puts): ≈ {0:F0} ms of emulator time before any cold cost", edgeFloor.One + (double.IsNaN(itemFloor.Item3) ? edgeFloor.Ten : itemFloor.Item3) + edgeFloor.Three));
        Console.WriteLine($"  binary: {new FileInfo(aot).Length / 1024.0 / 1024.0:F1} MB ({aot})");
        Console.WriteLine("  targets (issue 17):");
        Target("AOT init", aotInit, InitTargetMs, "ms");
        Target("AOT first batch", aotFirst, FirstBatchTargetMs, "ms");
        Target("first-batch ratio AOT/JIT", ratio, RatioTarget, "");
        Console.WriteLine(string.Format(inv, "    (invocation only, init excluded: AOT/JIT {0:F3})", invocationRatio));
        Target($"peak RSS, {bigRecords:N0}-record batch", maxRss, MaxBatchRssTargetMb, "MB");
        Console.WriteLine(string.Format(inv, "coldstart aot-init-ms={0:F1} jit-init-ms={1:F1} first-batch-ratio={2:F3} aot-first-batch-ms={3:F1} max-batch-rss-mb={4:F1}",
            aotInit, jitInit, ratio, aotFirst, maxRss));
        return 0;

        void Row(string name, List<Invocation> r, bool withStart)
        {
            string Cell(double v) => double.IsNaN(v) ? "—" : v.ToString("F1", inv);
            Console.WriteLine(string.Format(inv, "  {0,-9} {1,7} {2,12} {3,8} {4,11} {5,8} {6,8} {7,7} {8,7} {9,7} {10,8}",
                name,
                withStart ? Cell(Median(r.Select(x => x.InitMs))) : "",
                withStart ? Cell(Median(r.Select(x => x.StartToPostMs))) : "",
                withStart ? Cell(Percentile(r.Select(x => x.StartToPostMs).ToList(), 0.9)) : "",
                Cell(Median(r.Select(x => x.InvocationMs))),
                Cell(Median(r.Select(x => x.InvocationMs - x.HandlerMs))),
                Cell(Median(r.Select(x => x.HandlerMs))),
                Cell(Median(r.Select(x => x.AdaptMs))),
                Cell(Median(r.Select(x => x.ReadMs))),
                Cell(Median(r.Select(x => x.ClaimMs))),
                Cell(Median(r.Select(x => x.FoldMs)))));
        }

        void Target(string what, double value, double target, string unit)
        {
            var met = value <= target ? "met" : "not met";
            var format = unit.Length == 0 ? "F3" : "F1";
            Console.WriteLine($"    {what}: {value.ToString(format, inv)}{(unit.Length == 0 ? "" : " " + unit)} (target ≤ {target.ToString(inv)}{(unit.Length == 0 ? "" : " " + unit)}) — {met}");
        }
    }

    /// <summary>
    /// The Ingest function's environment as the local stack deployed it from the template (tables, queue, its role's
    /// credentials, the local AWS endpoint), so the measured process makes the calls it makes in AWS, IAM-checked.
    /// </summary>
    public static Dictionary<string, string> Environment(LocalStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new Dictionary<string, string>(stack.Deployment.Function("ingest").Environment) { ["AWS_EC2_METADATA_DISABLED"] = "true" };
    }

    /// <summary>
    /// Until the emulator's latency settles (at least 3,000 conditional puts of an entity item's shape, ten at a time, each
    /// round followed by a BatchGetItem of its keys, as a batch reads and claims): ten rounds in a row within 20 % of the
    /// median of the last fifty, or 8,000 puts.
    /// </summary>
    private static async Task<(int Puts, int Reads, TimeSpan Elapsed)> WarmEmulatorAsync(AmazonDynamoDBClient dynamo, string table)
    {
        var filler = new string('x', 1500);
        var started = Stopwatch.GetTimestamp();
        var rounds = new List<double>();
        var (puts, reads) = (0, 0);
        for (var round = 0; puts < 8_000; round++)
        {
            var keys = Enumerable.Range(0, 10).Select(i => new Dictionary<string, AttributeValue>
            {
                ["pk"] = new AttributeValue { S = $"bench-warm#{i}" },
                ["sk"] = new AttributeValue { S = "warm" },
            }).ToList();
            var at = Stopwatch.GetTimestamp();
            await Task.WhenAll(keys.Select(key => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new(key)
                {
                    ["v"] = new AttributeValue { N = round.ToString(CultureInfo.InvariantCulture) },
                    ["filler"] = new AttributeValue { S = filler },
                    ["fp"] = new AttributeValue { L = Enumerable.Range(0, 48).Select(j => new AttributeValue { N = (j * 7919L + round).ToString(CultureInfo.InvariantCulture) }).ToList() },
                },
                ConditionExpression = "attribute_not_exists(pk) OR #v < :v",
                ExpressionAttributeNames = new() { ["#v"] = "v" },
                ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = round.ToString(CultureInfo.InvariantCulture) } },
            })));
            await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } } });
            (puts, reads) = (puts + 10, reads + 1);
            rounds.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            if (puts >= 3_000 && rounds.Count >= 50)
            {
                var median = rounds.TakeLast(50).Order().ElementAt(25);
                if (rounds.TakeLast(10).All(r => Math.Abs(r - median) <= 0.2 * median))
                {
                    break;
                }
            }
        }

        return (puts, reads, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Median wall time of one conditional PutItem, of three and of ten in parallel (the shape of a batch's metric and
    /// entity rounds), on a warmed-up client: the emulator's cost with nothing cold on the caller's side.
    /// </summary>
    private static async Task<(double One, double Three, double Ten)> FloorAsync(AmazonDynamoDBClient dynamo, string table, Dictionary<string, AttributeValue>? template = null)
    {
        var filler = new string('x', 1500);
        var prefix = template is null ? "bench-floor" : "bench-floor-item";
        Dictionary<string, AttributeValue> Item(int i, int round)
        {
            if (template is null)
            {
                return new()
                {
                    ["pk"] = new AttributeValue { S = $"{prefix}#{RuntimeHelpers.GetHashCode(dynamo)}#{i}" },
                    ["sk"] = new AttributeValue { S = "floor" },
                    ["v"] = new AttributeValue { N = round.ToString(CultureInfo.InvariantCulture) },
                    ["filler"] = new AttributeValue { S = filler },
                    ["fp"] = new AttributeValue { L = Enumerable.Range(0, 48).Select(j => new AttributeValue { N = (j * 7919L + round).ToString(CultureInfo.InvariantCulture) }).ToList() },
                };
            }

            // A real entity item as the function stored it, under a key of its own.
            var item = new Dictionary<string, AttributeValue>(template, StringComparer.Ordinal)
            {
                ["pk"] = new AttributeValue { S = $"{prefix}#{RuntimeHelpers.GetHashCode(dynamo)}#{i}" },
                ["v"] = new AttributeValue { N = round.ToString(CultureInfo.InvariantCulture) },
            };
            return item;
        }

        async Task<double> Round(int parallel, int round)
        {
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(i => dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = Item(i, round),
                ConditionExpression = "attribute_not_exists(pk) OR #v < :v",
                ExpressionAttributeNames = new() { ["#v"] = "v" },
                ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = round.ToString(CultureInfo.InvariantCulture) } },
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            })));
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < 5; i++)
        {
            await Round(10, i);
        }

        var one = new List<double>();
        var three = new List<double>();
        var ten = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            one.Add(await Round(1, 100 + (3 * i)));
            three.Add(await Round(3, 101 + (3 * i)));
            ten.Add(await Round(10, 102 + (3 * i)));
        }

        return (Median(one), Median(three), Median(ten));
    }

    /// <summary>The cold batch, then a warm one of the same shape on other items (a tenant of its own, so no cache hit).</summary>
    private static byte[][] Batches(string run) =>
        [KinesisBatches.CloudEvents(100, "bench", 10, $"shardId-{run}"), KinesisBatches.CloudEvents(100, "bench-warm", 10, $"shardId-{run}-warm")];

    /// <summary>As <see cref="Batches"/>, on two tenants of the run's own whose items exist (one event per entity, stored beforehand).</summary>
    private static async Task<byte[][]> SeededBatchesAsync(IngestPipeline seeder, string run)
    {
        string[] tenants = [$"bench-{run}", $"bench-{run}-warm"];
        var now = DateTimeOffset.UtcNow;
        var records = tenants.SelectMany(t => Enumerable.Range(0, 10).Select(e => new StreamRecord(
            $"shardId-seed-{run}", (e + (t.EndsWith("-warm", StringComparison.Ordinal) ? 100 : 0)).ToString("D30", CultureInfo.InvariantCulture), t,
            KinesisBatches.CloudEvent(t, $"seed-{e}", $"order/{e}", now, 10, 1), now, null))).ToList();
        var result = await seeder.ProcessAsync(records, CancellationToken.None);
        if (result.FailedSequenceNumbers.Count > 0 || result.DeadLettered > 0)
        {
            throw new InvalidOperationException($"seeding {run} failed: {result.FailedSequenceNumbers.Count} failed, {result.DeadLettered} dead-lettered");
        }

        return [KinesisBatches.CloudEvents(100, tenants[0], 10, $"shardId-{run}"), KinesisBatches.CloudEvents(100, tenants[1], 10, $"shardId-{run}-warm")];
    }

    /// <summary>The Ingest use case in this process, on the function's tables (direct to DynamoDB Local), for seeding.</summary>
    private static IngestPipeline Seeder(LocalStack stack, Dictionary<string, string> env) => new(
        SourceCatalog.Create(new SourceDependencies()),
        new KplRecordSplitter(),
        new AggregateWriter(
            new DynamoAggregateItems(stack.Aws.DynamoDb, env[PipelineTopology.Environment.AggregatesTable]),
            new DynamoDedupStore(stack.Aws.DynamoDb, env[PipelineTopology.Environment.DedupTable], PipelineTopology.DedupRetention)),
        new InMemoryDeadLetters(),
        TimeProvider.System,
        AggregationOptions.Default,
        "coldstart-seed");

    /// <summary>The most records of the benchmark's shape whose Kinesis event JSON fits Lambda's 6 MB synchronous payload.</summary>
    private static (byte[] Payload, int Records) LargestBatch(string run)
    {
        var limit = LambdaLimits.SynchronousPayloadBytes;
        var perRecord = KinesisBatches.CloudEvents(1000, "bench", 10, $"shardId-{run}").Length / 1000.0;
        var count = (int)(limit / perRecord);
        var payload = KinesisBatches.CloudEvents(count, "bench", 10, $"shardId-{run}");
        while (payload.Length > limit)
        {
            count -= Math.Max(1, (int)Math.Ceiling((payload.Length - limit) / perRecord));
            payload = KinesisBatches.CloudEvents(count, "bench", 10, $"shardId-{run}");
        }

        // Grow back to the last count that still fits (records differ by a byte or two in length).
        while (true)
        {
            var next = KinesisBatches.CloudEvents(count + 1, "bench", 10, $"shardId-{run}");
            if (next.Length > limit)
            {
                return (payload, count);
            }

            (payload, count) = (next, count + 1);
        }
    }

    private static ColdStart Checked(ColdStart run)
    {
        foreach (var post in run.Posts)
        {
            var (ok, failures) = FunctionProcess.ReadBatchResponse(post);
            if (!ok || failures != 0)
            {
                throw new InvalidOperationException($"unexpected answer at {post.Path}: {post.Body[..Math.Min(post.Body.Length, 500)]}");
            }
        }

        return run;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        // Nearest-rank: the smallest value with at least p of the sample at or below it.
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string? StringArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>One invocation's times (ms): the runtime's view, and the handler's stages from its log line.</summary>
    private sealed record Invocation(double InitMs, double StartToPostMs, double InvocationMs, double HandlerMs, double AdaptMs, double ReadMs, double ClaimMs, double FoldMs);

    /// <summary>One process: its cold and its warm invocation, and its peak RSS.</summary>
    private sealed record Run(Invocation Cold, Invocation Warm, double PeakRssMb)
    {
        public double InitMs => Cold.InitMs;

        public double FirstBatchMs => Cold.StartToPostMs;

        public static Run Of(ColdStart run)
        {
            var batches = run.Stdout
                .Where(l => l.Contains("\"ingest batch\"", StringComparison.Ordinal))
                .Select(l => JsonDocument.Parse(l))
                .ToList();
            if (batches.Count < 2 || run.Posts.Count < 2)
            {
                throw new InvalidOperationException($"expected two invocations and two \"ingest batch\" log lines, got {run.Posts.Count} and {batches.Count}");
            }

            Invocation Of(int i, double initMs, double startToPostMs)
            {
                var log = batches[i].RootElement;
                double Ms(string field) => log.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
                var post = run.Posts[i];
                return new Invocation(
                    initMs,
                    startToPostMs,
                    Stopwatch.GetElapsedTime(post.NextAt, post.At).TotalMilliseconds,
                    Ms("durationMs"),
                    Ms("adaptMs"),
                    Ms("readMs"),
                    Ms("dedupMs"),
                    Ms("writeMs"));
            }

            try
            {
                return new Run(Of(0, run.Init.TotalMilliseconds, run.Elapsed.TotalMilliseconds), Of(1, double.NaN, double.NaN), run.PeakRssKb / 1024.0);
            }
            finally
            {
                batches.ForEach(b => b.Dispose());
            }
        }
    }
}
