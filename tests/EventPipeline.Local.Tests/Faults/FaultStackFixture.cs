using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.Tests.Emulators;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Faults;

/// <summary>
/// A second local stack for the fault tests, with emulators of its own (they get killed and frozen) and its data
/// persisted in a folder of its own, as <c>up</c> runs by default. Started only when the emulator tests are enabled.
/// </summary>
public sealed class FaultStackFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "eventpipeline-faults-" + Guid.NewGuid().ToString("N"));

    public LocalStack Stack { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string LogText
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EmulatorFactAttribute.Variable) != "1")
        {
            return;
        }

        Stack = await LocalStack.StartAsync(IsolatedOptions(_data, m => { lock (_log) { _log.AppendLine($"{DateTime.UtcNow:HH:mm:ss.fff} {m}"); } }));
        Http.BaseAddress = new Uri(Stack.Endpoints.RestUrl + "/");
    }

    /// <summary>A stack with emulators of its own on free ports and its data persisted in <paramref name="data"/>, as <c>up</c> runs.</summary>
    public static LocalStackOptions IsolatedOptions(string data, Action<string> log) => new()
    {
        GatewayPort = 0,
        AwsPort = 0,
        KinesisPort = 0,
        DynamoDbPort = 0,
        MotoPort = 0,
        DataDirectory = data,
        WriteEndpointsFile = false,
        BatchingWindowOverride = 0,
        // Idle shards read every 100 ms instead of Lambda's once a second (Kinesis) and 4 times a second (DynamoDB Streams).
        PollIntervalOverride = TimeSpan.FromMilliseconds(100),
        FunctionOutput = TextWriter.Null,
        Log = log,
    };

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A log still open: the temp folder is left behind.
        }
    }

    /// <summary>The emulator process itself (the child of its watchdog shell), to send it signals.</summary>
    public int EmulatorPid(string name)
    {
        var process = Stack.Emulators!.Processes.Single(p => p.Name == name);
        return process.EmulatorProcessId ?? throw new InvalidOperationException($"{name} is not running");
    }

    /// <summary>Sends <paramref name="signal"/> (KILL, STOP, CONT) to the emulator named <paramref name="name"/>.</summary>
    public async Task SignalAsync(string name, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, EmulatorPid(name).ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits until the watchdog has restarted <paramref name="name"/> <paramref name="times"/> times.</summary>
    public Task RestartedAsync(string name, int times) =>
        LocalStackFixture.EventuallyAsync(
            () => Task.FromResult(Stack.EmulatorRestarts.TryGetValue(name, out var n) && n >= times ? "restarted" : null),
            $"the watchdog to restart {name}\n{LogText}",
            TimeSpan.FromSeconds(120));

    /// <summary>Puts <paramref name="events"/> as CloudEvents, retrying what the stream refused until all are acknowledged.</summary>
    public async Task PutAsync(string tenant, IReadOnlyList<string> events)
    {
        var pending = events.Select(id => new PutRecordsEntry($"{tenant}:{id}", LocalStackFixture.CloudEvent(tenant, id, "order/" + id))).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (pending.Count > 0)
        {
            try
            {
                var result = await Stack.Aws.Kinesis.PutRecordsAsync(Stack.Settings.EventsStream, pending, CancellationToken.None);
                pending = pending.Where((_, i) => result.Records[i].ErrorCode is not null).ToList();
            }
            catch (Exception ex) when (ex is HttpRequestException or AwsServiceException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // The stream is down (a killed kinesis-mock): nothing was acknowledged, so put again.
            }

            if (pending.Count > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"puts not acknowledged within 2 minutes\n{LogText}");
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Records the Ingest and Publish mappings have given up since the stack started.</summary>
    public long GivenUpRecords => Stack.IngestMapping.Metrics.Snapshot().DiscardedRecords + Stack.PublishMapping.Metrics.Snapshot().DiscardedRecords;

    /// <summary>The tenant's applied events (the <c>events</c> metric's total), 0 before any or while the store is down.</summary>
    public Task<long> AppliedAsync(string tenant) => EventPipeline.Local.Load.EventsTotal.ReadAsync(Http, Stack.Endpoints.RestUrl, Stack.IssueToken(tenant), CancellationToken.None);

    /// <summary>
    /// Waits until every one of <paramref name="expected"/> events is applied, redriving whatever the pipeline gave up
    /// on meanwhile (the count in = applied + dead-lettered, then the dead-lettered are applied by redrive).
    /// </summary>
    public async Task<long> SettledAsync(string tenant, long expected)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        var redrive = new Redrive(Stack.DeadLetters, Stack.Aws.Kinesis, Stack.Settings.EventsStream);
        var redriven = new List<string>();
        while (true)
        {
            var applied = await AppliedAsync(tenant);
            if (applied >= expected)
            {
                // Give a double count the time to show before the caller compares.
                await Task.Delay(2000);
                return await AppliedAsync(tenant);
            }

            // What the pipeline gave up on during the fault: this tenant's records, or ranges given up as a whole
            // (metadata only: shard and sequence range, re-read from the stream by the redrive).
            var givenUp = (await Stack.DeadLetters.ListAsync(10_000, CancellationToken.None))
                .Where(l => l.Category is "retries-exhausted" or "record-age-exceeded" && (l.EndSequenceNumber is not null || l.PartitionKey.StartsWith(tenant + ":", StringComparison.Ordinal)))
                .Select(l => l.Id)
                .ToList();
            if (givenUp.Count > 0)
            {
                foreach (var outcome in await redrive.RedriveAsync(givenUp, CancellationToken.None))
                {
                    redriven.Add($"{outcome.Id}: {outcome.Error ?? "redriven"}");
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"{applied} of {expected} events applied after 4 minutes; redrives: {string.Join("; ", redriven)}\n{LogText}");
            await Task.Delay(500);
        }
    }
}
