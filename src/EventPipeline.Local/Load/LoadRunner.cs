using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using Spectre.Console;

namespace EventPipeline.Local.Load;

/// <summary>
/// Drives a running local stack through the real Kinesis endpoint and real WebSocket clients (one per tenant, subscribed
/// to <c>tenant</c>): first the emulators' ceiling and floor on their own ports, then a latency phase (half the
/// ceiling unless <c>--rate</c>) and a throughput phase (the ceiling), then the loss check from the REST totals and
/// <c>/dead-letters</c>. Prints each stage's p50/p90/p99/max and share, the pipeline beside the floor, cost per
/// million events, and ends with the two lines of <see cref="LoadVerdict"/>.
/// </summary>
public sealed class LoadRunner(LocalEndpoints endpoints, LoadOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs the whole measurement and prints its report; returns the process exit code (1 when anything was lost).</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..6];
        var tenants = Enumerable.Range(0, options.Tenants).Select(i => $"load-{runId}-{i}").ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var restBase = new Uri(endpoints.RestUrl.TrimEnd('/') + "/");
        var loadAverage = LoadAverage();

        AnsiConsole.MarkupLine(Markup.Escape($"load: {options.Tenants} tenants, sources {string.Join(",", options.Sources)}{(options.Kpl ? ", KPL-aggregated" : "")}, {options.DurationSeconds} s per phase; cores: {Environment.ProcessorCount}; load average {loadAverage}"));
        var ceiling = await EmulatorCeiling.MeasureAsync(endpoints, options.CeilingSeconds, ct);
        Console.WriteLine(string.Format(Inv, "emulator ceiling: kinesis-mock {0:N0} records/s (PutRecords, 500×800 B), DynamoDB Local {1:N0} UpdateItem/s (8 in flight)", ceiling.KinesisRecordsPerSecond, ceiling.DynamoDbUpdatesPerSecond));

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tenants)
        {
            tokens[t] = await TokenAsync(http, t, ct);
        }

        var floor = await EmulatorFloor.MeasureAsync(endpoints, tokens[tenants[0]], options.FloorSamples, ct);
        var collector = new PushCollector();
        await using var clients = await LoadClients.ConnectAsync(endpoints.WebSocketUrl, tokens, collector, ct);
        await Task.Delay(500, ct); // let the subscriptions land before the first event

        using var kinesis = new KinesisClient(new AwsEndpoints
        {
            Region = endpoints.Region,
            Kinesis = new Uri(endpoints.AwsEndpoint),
            Credentials = new Amazon.Runtime.BasicAWSCredentials(endpoints.AccessKeyId, endpoints.SecretAccessKey),
        }, http);
        var producer = new LoadProducer(kinesis, endpoints.StreamName, collector, runId, options.Kpl);
        var before = await IngestCountersAsync(http, restBase, ct);
        var stackBefore = await StackLatencyDelta.ReadAsync(http, endpoints, ct);
        var mode = stackBefore.Mode;
        var window = stackBefore.IngestMapping?.BatchingWindowSeconds ?? 0;

        var latencyRate = options.Rate ?? Math.Max(1, (int)(ceiling.KinesisRecordsPerSecond / 2));
        var latency = new PhaseStages();
        var cpu = StackCpu.For(endpoints);
        var latencyCpuFrom = cpu?.Sample();
        var latencySent = await RunPhaseAsync(producer, tenants, "latency", latencyRate, latency, ct);
        var latencyCpu = cpu is null ? null : CpuSplit.Between(latencyCpuFrom!, cpu.Sample());
        var stackAfter = await StackLatencyDelta.ReadAsync(http, endpoints, ct);
        var stack = StackLatencyDelta.Between(stackBefore, stackAfter);

        var throughputRate = options.ThroughputRate ?? (int)ceiling.KinesisRecordsPerSecond;
        var throughput = new PhaseStages();
        long throughputSent = 0;
        CpuSplit? throughputCpu = null;
        if (throughputRate > 0)
        {
            var from = cpu?.Sample();
            throughputSent = await RunPhaseAsync(producer, tenants, "throughput", throughputRate, throughput, ct);
            throughputCpu = cpu is null ? null : CpuSplit.Between(from!, cpu.Sample());
        }

        var sent = latencySent + throughputSent;
        var (aggregated, deadLettered) = await SettleAsync(http, tokens, sent, ct);
        var after = await IngestCountersAsync(http, restBase, ct);
        var lost = Math.Max(0, sent - aggregated - deadLettered);

        Console.WriteLine();
        Console.WriteLine(string.Format(Inv, "latency phase: {0:N0} events at {1}/s ({2}), mode {3} (Ingest mapping on the {4}, window {5} s); {6:N0} pushes matched by trace id",
            latencySent, latencyRate, options.Rate is null ? "half the kinesis-mock ceiling" : "--rate", mode, stackBefore.IngestMapping?.Source ?? "?", window, latency.Matched));
        WriteCutShort(latency, latencySent);
        var dominant = LoadReport.WriteStages(Console.Out, latency, stack);
        Console.WriteLine($"  dominant stage: {dominant}");
        LoadReport.WriteFloor(Console.Out, floor, latency.EndToEnd.Total(), options.FloorSamples);
        latencyCpu?.Write(Console.Out, "latency", latencySent, latencyRate);
        if (throughputRate > 0)
        {
            var e2e = throughput.EndToEnd.Total();
            Console.WriteLine(string.Format(Inv, "throughput phase: {0:N0} events due at {1}/s, {2:N0} put in {3:F1} s = {4:F0}/s offered; {5:N0} delivered in {6:F1} s = {7:F0}/s; end to end p50 {8:F0} ms, p99 {9:F0} ms",
                throughput.Due, throughputRate, throughputSent, throughput.PutSpan.TotalSeconds, Offered(throughput, throughputSent), throughput.Matched, throughput.Span.TotalSeconds, Kept(throughput), e2e.P50, e2e.P99));
            WriteCutShort(throughput, throughputSent);
            throughputCpu?.Write(Console.Out, "throughput", throughputSent, throughputRate);
        }

        var applied = after.Applied - before.Applied;
        var batches = Math.Max(1, after.Batches - before.Batches);
        Console.WriteLine(string.Format(Inv, "ingest: {0:N0} batches ({1:F0} records each), {2:N0} applied, {3:N0} item writes ({4:F3}/event)", batches, (after.Records - before.Records) / (double)batches, applied, after.ItemWrites - before.ItemWrites, (after.ItemWrites - before.ItemWrites) / (double)Math.Max(1, applied)));
        Console.WriteLine(string.Format(Inv, "loss check: put {0:N0} = aggregated {1:N0} + dead-lettered {2:N0} → {3}; pushes to another tenant's client: {4}", sent, aggregated, deadLettered, lost == 0 ? "OK" : $"{lost:N0} LOST", collector.ForeignTenantPushes));
        Console.WriteLine(CostModel.Format(new CostInputs(
            BatchSize: (int)Math.Max(1, (after.Records - before.Records) / batches),
            BatchDurationMs: 50,
            MemoryMb: 512,
            EventBytes: 400,
            WriteUnitsPerEvent: (after.ItemWrites - before.ItemWrites + after.DedupWriteRequests - before.DedupWriteRequests) / (double)Math.Max(1, applied),
            ReadUnitsPerEvent: (after.ItemWrites - before.ItemWrites) / (double)Math.Max(1, applied),
            PushesPerEvent: collector.Pushes / (double)Math.Max(1, applied),
            PublishBatchDurationMs: 20,
            PublishBatchSize: 100)));
        Console.WriteLine("  (Publish's write and read units and the bus's events are not measured under load: the benchmarks' cost command takes them from coalescing's publish-per-event lines)");
        var verdict = new LoadVerdict(mode, window, latency.EndToEnd.Total().P50, latency.EndToEnd.Total().P99, floor.P50,
            throughputRate > 0 ? Offered(throughput, throughputSent) : Offered(latency, latencySent), throughputRate > 0 ? Kept(throughput) : Kept(latency),
            ceiling.KinesisRecordsPerSecond, lost);
        Console.WriteLine(verdict.TargetsLine);
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Console.WriteLine(verdict.LatencyLine);
        Console.WriteLine(verdict.ThroughputLine);
        return lost == 0 ? 0 : 1;
    }

    private async Task<long> RunPhaseAsync(LoadProducer producer, List<string> tenants, string name, int rate, PhaseStages phase, CancellationToken ct)
    {
        long sent = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var total = (double)rate * options.DurationSeconds;
                var sendTask = progress.AddTask($"{name}: put at {rate}/s", maxValue: total);
                var pushTask = progress.AddTask($"{name}: pushed", maxValue: total);
                var sending = producer.RunAsync(tenants, options.Sources, rate, TimeSpan.FromSeconds(options.DurationSeconds), phase, n => sendTask.Value = n, ct, PutDeadline(options.DurationSeconds));
                while (!sending.IsCompleted)
                {
                    pushTask.Value = phase.Matched;
                    await Task.WhenAny(sending, Task.Delay(200, ct));
                }

                sent = await sending;
                sendTask.Value = sent;
                // Drain: until every event's push arrived, or 60 s without progress.
                var last = -1L;
                var idle = Stopwatch.StartNew();
                while (phase.Matched < sent && idle.Elapsed < TimeSpan.FromSeconds(60))
                {
                    if (phase.Matched != last)
                    {
                        last = phase.Matched;
                        idle.Restart();
                    }

                    pushTask.Value = last;
                    await Task.Delay(200, ct);
                }

                pushTask.Value = phase.Matched;
            });
        return sent;
    }

    /// <summary>
    /// How long a phase may take to put its events: 3× its duration, at least a minute more than it. kinesis-mock's
    /// PutRecords slows as the shard fills (it groups a call's records by their shard's whole record list, so each record
    /// put hashes every record the shard holds: `kinesis-fill` in the benchmarks measures it), and a 60 s phase at its
    /// ceiling once kept the producer at 9 % for ten minutes; past the deadline the phase ends with what was put, and says so.
    /// </summary>
    private static TimeSpan PutDeadline(int durationSeconds) => TimeSpan.FromSeconds(Math.Max(3 * durationSeconds, durationSeconds + 60));

    private static void WriteCutShort(PhaseStages phase, long put)
    {
        if (put < phase.Due)
        {
            Console.WriteLine(string.Format(Inv, "  cut short: {0:N0} of {1:N0} due events put before the phase's deadline; the stream could not take them faster", put, phase.Due));
        }
    }

    /// <summary>Events the stream accepted per second of putting: below the due rate when the stream could not keep up.</summary>
    private static double Offered(PhaseStages phase, long sent) => phase.PutSpan.TotalSeconds > 0 ? sent / phase.PutSpan.TotalSeconds : 0;

    private static double Kept(PhaseStages phase) => phase.Span.TotalSeconds > 0 ? phase.Matched / phase.Span.TotalSeconds : 0;

    /// <summary>The 1-, 5- and 15-minute load averages, or "n/a" off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private async Task<string> TokenAsync(HttpClient http, string tenant, CancellationToken ct)
    {
        using var request = endpoints.AdminGet($"dev/token?tenant={tenant}");
        using var response = (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Waits until every put event is in its tenant's <c>events</c> total or dead-lettered (60 s at most).</summary>
    private async Task<(long Aggregated, long DeadLettered)> SettleAsync(HttpClient http, Dictionary<string, string> tokens, long expected, CancellationToken ct)
    {
        long aggregated = 0, dead = 0;
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(60))
        {
            aggregated = 0;
            foreach (var (_, token) in tokens)
            {
                aggregated += await EventsTotal.ReadAsync(http, endpoints.RestUrl, token, ct);
            }

            using (var lettersRequest = endpoints.AdminGet("dead-letters"))
            using (var lettersResponse = (await http.SendAsync(lettersRequest, ct)).EnsureSuccessStatusCode())
            using (var dl = JsonDocument.Parse(await lettersResponse.Content.ReadAsStringAsync(ct)))
            {
                dead = dl.RootElement.EnumerateArray().Count(e => e.TryGetProperty("tenant", out var t) && t.GetString() is { } s && tokens.ContainsKey(s));
            }

            if (aggregated + dead >= expected)
            {
                break;
            }

            await Task.Delay(1000, ct);
        }

        return (aggregated, dead);
    }

    private static async Task<IngestCounters> IngestCountersAsync(HttpClient http, Uri restBase, CancellationToken ct)
    {
        var snapshot = JsonSerializer.Deserialize(await http.GetStringAsync(new Uri(restBase, "metrics"), ct), LocalJsonContext.Default.MetricsSnapshot);
        return snapshot!.Ingest;
    }
}
