using System.Diagnostics;
using System.Globalization;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// Issue 15's soak: a stack of its own (its own emulators and data folder, persisted as <c>up</c> persists, so the
/// emulators can be killed), a steady load at half the kinesis-mock ceiling across several tenants, each with a reading
/// client, plus one more tenant whose client stops reading; halfway, DynamoDB Local is SIGKILLed and the stack's
/// watchdog restarts it. At the end whatever the mappings gave up during the outage is redriven from the stream, and
/// each tenant's <c>events</c> total must equal what the stream acknowledged for it: 0 lost, 0 counted twice. Prints
/// each tenant's push latency (p50/p99/max) and a last <c>soak …</c> line.
/// </summary>
public sealed class SoakRunner(SoakOptions options, TextWriter output)
{
    private const string Emulator = "dynamodb-local";

    /// <summary>
    /// DynamoDB writes each soak event costs (each is on an entity of its own): its entity item (Ingest); its entity
    /// channel's sequence allocation and change-log entry, and its entry on the tenant channel (Publish).
    /// </summary>
    private const double WritesPerEvent = 3;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs the soak; returns 0 when nothing was lost or counted twice.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var data = Path.Combine(Path.GetTempPath(), "eventpipeline-soak-" + Guid.NewGuid().ToString("N")[..8]);
        var logPath = Path.Combine(data, "soak.log");
        Directory.CreateDirectory(data);
        await using var log = new StreamWriter(logPath) { AutoFlush = true };
        var logGate = new Lock();
        void Log(string line)
        {
            lock (logGate)
            {
                log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            }
        }

        output.WriteLine($"soak: starting a stack of its own in {data} (log: {logPath}); load average {LoadRunner.LoadAverage()}");
        var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            GatewayPort = 0,
            AwsPort = 0,
            KinesisPort = 0,
            DynamoDbPort = 0,
            MotoPort = 0,
            DataDirectory = data,
            WriteEndpointsFile = false,
            Latency = options.Latency,
            FunctionOutput = TextWriter.Synchronized(new StreamWriter(Path.Combine(data, "functions.log")) { AutoFlush = true }),
            Log = Log,
        }, ct);
        try
        {
            return await SoakAsync(stack, Log, ct);
        }
        finally
        {
            await stack.DisposeAsync();
        }
    }

    private async Task<int> SoakAsync(LocalStack stack, Action<string> log, CancellationToken ct)
    {
        var endpoints = stack.Endpoints;
        var ceiling = await EmulatorCeiling.MeasureAsync(endpoints, 3, ct);
        // The emulator ceiling this workload meets: kinesis-mock's records/s, or DynamoDB Local's UpdateItem/s over the
        // writes each soak event needs, the lower.
        var bound = Math.Min(ceiling.KinesisRecordsPerSecond, ceiling.DynamoDbUpdatesPerSecond / WritesPerEvent);
        var rate = options.Rate ?? Math.Max(1, (int)(bound / 2));
        var runId = Guid.NewGuid().ToString("N")[..6];
        var readers = Enumerable.Range(0, options.Tenants).Select(i => $"soak-{runId}-{i}").ToList();
        var stalledTenant = $"soak-{runId}-stalled";
        var tenants = readers.Append(stalledTenant).ToList();
        output.WriteLine(string.Format(Inv, "soak: {0} s at {1}/s (half the emulator ceiling {2:F0}/s: kinesis-mock {3:F0} records/s, DynamoDB Local {4:F0} UpdateItem/s ÷ {5} writes per event), {6} tenants reading + 1 stalled, mode {7}; DynamoDB Local is killed at {8} s",
            options.DurationSeconds, rate, bound, ceiling.KinesisRecordsPerSecond, ceiling.DynamoDbUpdatesPerSecond, WritesPerEvent, readers.Count, options.Latency.ToString().ToLowerInvariant(), options.DurationSeconds / 2));

        var collector = new PushCollector();
        await using var clients = await LoadClients.ConnectAsync(endpoints.WebSocketUrl, readers.ToDictionary(t => t, t => stack.IssueToken(t), StringComparer.Ordinal), collector, ct);
        using var stalled = await StalledClient.ConnectAsync(endpoints.WebSocketUrl, stack.IssueToken(stalledTenant), ct);
        await Task.Delay(500, ct);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var kinesis = new KinesisClient(new AwsEndpoints { Region = endpoints.Region, Kinesis = new Uri(endpoints.AwsEndpoint), Credentials = stack.AdministratorCredentials }, http);
        var producer = new LoadProducer(kinesis, endpoints.StreamName, collector, runId, kpl: false);
        var phase = new PhaseStages();
        var clock = Stopwatch.StartNew();
        var sending = producer.RunAsync(tenants, options.Sources, rate, TimeSpan.FromSeconds(options.DurationSeconds), phase, null, ct);

        // Halfway: SIGKILL DynamoDB Local, then wait for the watchdog to bring it back.
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds / 2.0), ct));
        var process = stack.Emulators!.Processes.Single(p => p.Name == Emulator);
        var pid = process.EmulatorProcessId ?? throw new InvalidOperationException($"{Emulator} is not running");
        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill();
        }

        var killedAt = clock.Elapsed;
        log($"soak: SIGKILL {Emulator} (pid {pid}) at {killedAt.TotalSeconds:F0} s");
        output.WriteLine(string.Format(Inv, "  {0,5:F0} s  SIGKILL {1} (pid {2}); sent so far {3:N0}", killedAt.TotalSeconds, Emulator, pid, producer.Sent));
        while (stack.EmulatorRestarts.GetValueOrDefault(Emulator) < 1)
        {
            await Task.Delay(200, ct);
        }

        output.WriteLine(string.Format(Inv, "  {0,5:F0} s  the watchdog restarted {1} ({2:F1} s after the kill)", clock.Elapsed.TotalSeconds, Emulator, (clock.Elapsed - killedAt).TotalSeconds));
        while (!sending.IsCompleted)
        {
            await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(60), ct));
            output.WriteLine(string.Format(Inv, "  {0,5:F0} s  sent {1:N0}, pushes matched {2:N0}", clock.Elapsed.TotalSeconds, producer.Sent, phase.Matched));
        }

        await sending;
        var accepted = producer.AcceptedByTenant;
        var (applied, redriven) = await SettleAsync(stack, http, accepted, log, ct);
        var lost = accepted.Sum(a => Math.Max(0, a.Value - applied.GetValueOrDefault(a.Key)));
        var doubled = accepted.Sum(a => Math.Max(0, applied.GetValueOrDefault(a.Key) - a.Value));

        output.WriteLine(string.Format(Inv, "  {0,-28} {1,10} {2,10} {3,10} {4,9} {5,9} {6,9}", "tenant", "put", "applied", "pushed", "p50 ms", "p99 ms", "max ms"));
        var latencies = phase.EndToEndByTenant;
        foreach (var tenant in tenants)
        {
            var s = latencies.GetValueOrDefault(tenant) ?? StageSummary.Empty;
            output.WriteLine(string.Format(Inv, "  {0,-28} {1,10:N0} {2,10:N0} {3,10:N0} {4,9:F0} {5,9:F0} {6,9:F0}{7}", tenant, accepted.GetValueOrDefault(tenant), applied.GetValueOrDefault(tenant), s.Count, s.P50, s.P99, s.Max,
                tenant == stalledTenant ? "   (its client never reads)" : ""));
        }

        output.WriteLine(string.Format(Inv, "  gateway: {0} slow connection(s) closed; dead letters redriven: {1}; pushes to another tenant's client: {2}; load average {3}",
            stack.Gateway.Hub.SlowConnectionsClosed, redriven, collector.ForeignTenantPushes, LoadRunner.LoadAverage()));
        output.WriteLine(string.Format(Inv, "soak duration={0}s rate={1}/s tenants={2}+1 stalled put={3} applied={4} lost={5} double-counted={6} dynamodb-restarts={7} p99-ms={8}",
            options.DurationSeconds, rate, readers.Count, accepted.Values.Sum(), applied.Values.Sum(), lost, doubled, stack.EmulatorRestarts.GetValueOrDefault(Emulator),
            string.Join(",", readers.Select((t, i) => string.Format(Inv, "t{0}:{1:F0}", i, (latencies.GetValueOrDefault(t) ?? StageSummary.Empty).P99)))));
        return lost == 0 && doubled == 0 ? 0 : 1;
    }

    /// <summary>
    /// Waits until each tenant's <c>events</c> total reaches what the stream acknowledged, redriving every ingest dead
    /// letter not yet redriven (the batches the mapping gave up on while DynamoDB Local was down) as they appear.
    /// Gives up after 10 minutes, returning what was applied by then.
    /// </summary>
    private static async Task<(Dictionary<string, long> Applied, int Redriven)> SettleAsync(
        LocalStack stack, HttpClient http, IReadOnlyDictionary<string, long> expected, Action<string> log, CancellationToken ct)
    {
        var redrive = new Redrive(stack.DeadLetters, stack.Aws.Kinesis, stack.Settings.EventsStream);
        var redriven = 0;
        var deadline = DateTime.UtcNow.AddMinutes(10);
        var applied = new Dictionary<string, long>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var tenant in expected.Keys)
            {
                applied[tenant] = await EventsTotal.ReadAsync(http, stack.Endpoints.RestUrl, stack.IssueToken(tenant), ct);
            }

            if (expected.All(e => applied[e.Key] >= e.Value) || DateTime.UtcNow > deadline)
            {
                // Let a double count show before the totals are compared.
                await Task.Delay(3000, ct);
                foreach (var tenant in expected.Keys)
                {
                    applied[tenant] = await EventsTotal.ReadAsync(http, stack.Endpoints.RestUrl, stack.IssueToken(tenant), ct);
                }

                return (applied, redriven);
            }

            foreach (var outcome in await redrive.RedriveAllAsync(null, ct))
            {
                redriven += outcome.Redriven ? 1 : 0;
                log($"soak: redrive {outcome.Id}: {outcome.Error ?? "redriven"}");
            }

            await Task.Delay(1000, ct);
        }
    }
}
