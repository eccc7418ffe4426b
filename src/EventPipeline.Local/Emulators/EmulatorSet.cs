namespace EventPipeline.Local.Emulators;

/// <summary>
/// The emulators (kinesis-mock, DynamoDB Local, moto), started together and kept running: a watchdog restarts one that
/// exits (a crash, an OOM kill, <c>kill -9</c>) on the same port with the same data, and tells <see cref="Restarted"/>
/// so the stack can re-create what the emulator held only in memory. Disposing stops them all.
/// </summary>
public sealed class EmulatorSet : IAsyncDisposable, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<string> _log;
    private readonly TimeSpan _startTimeout;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _recovered = new(StringComparer.Ordinal);
    private Task _watchdog = Task.CompletedTask;

    private EmulatorSet(KinesisMockEmulator kinesis, DynamoDbLocalEmulator dynamoDb, MotoEmulator moto, string logDirectory, Action<string> log, TimeSpan startTimeout)
    {
        Kinesis = kinesis;
        DynamoDb = dynamoDb;
        Moto = moto;
        LogDirectory = logDirectory;
        _log = log;
        _startTimeout = startTimeout;
    }

    /// <summary>
    /// Called after the watchdog brought an emulator back, before it looks again: the stack re-creates there what
    /// did not survive (moto keeps nothing; an in-memory DynamoDB Local or kinesis-mock keeps nothing either).
    /// </summary>
    public Func<EmulatorProcess, CancellationToken, Task>? Restarted { get; set; }

    /// <summary>The three processes.</summary>
    public IReadOnlyList<EmulatorProcess> Processes => [Kinesis.Process, DynamoDb.Process, Moto.Process];

    /// <summary>
    /// Completed recoveries so far, by emulator name (<c>/metrics</c>): restarted and, where a <see cref="Restarted"/>
    /// handler is set, re-provisioned.
    /// </summary>
    public IReadOnlyDictionary<string, int> Restarts => Processes.ToDictionary(p => p.Name, p => _recovered.GetValueOrDefault(p.Name), StringComparer.Ordinal);

    /// <summary>moto (SQS, SSM, SES v2, SNS, EventBridge).</summary>
    public MotoEmulator Moto { get; }

    /// <summary>moto's service URL.</summary>
    public Uri MotoEndpoint => Moto.Endpoint;

    /// <summary>kinesis-mock.</summary>
    public KinesisMockEmulator Kinesis { get; }

    /// <summary>DynamoDB Local (DynamoDB and DynamoDB Streams).</summary>
    public DynamoDbLocalEmulator DynamoDb { get; }

    /// <summary>Kinesis service URL.</summary>
    public Uri KinesisEndpoint => Kinesis.Endpoint;

    /// <summary>DynamoDB (and DynamoDB Streams) service URL.</summary>
    public Uri DynamoDbEndpoint => DynamoDb.Endpoint;

    /// <summary><c>&lt;repoRoot&gt;/.eventpipeline/logs</c>, where the emulators' output goes.</summary>
    public string LogDirectory { get; }

    /// <summary>Installs the emulators if needed, then starts both in parallel and waits until both answer.</summary>
    /// <exception cref="EmulatorException">A tool is missing, installing failed, or an emulator did not start (message includes its log tail).</exception>
    public static async Task<EmulatorSet> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var log = options.Log ?? (_ => { });
        var repoRoot = options.RepoRoot ?? EmulatorInstaller.FindRepoRoot();
        // Fail early and clearly when moto is missing, before anything is installed or started.
        MotoEmulator.FindExecutable();
        var installation = await new EmulatorInstaller(repoRoot, log).EnsureInstalledAsync(cancellationToken);
        var logDirectory = Path.Combine(repoRoot, ".eventpipeline", "logs");
        Directory.CreateDirectory(logDirectory);

        var data = options.DataDirectory;
        var kinesisTask = KinesisMockEmulator.StartAsync(
            installation, options.KinesisPort, logDirectory, options.Region, options.AccountId, options.StartTimeout, data is null ? null : Path.Combine(data, "kinesis"), cancellationToken);
        var dynamoTask = DynamoDbLocalEmulator.StartAsync(
            installation, options.DynamoDbPort, logDirectory, options.Region, options.StartTimeout, data is null ? null : Path.Combine(data, "dynamodb"), cancellationToken);
        var motoTask = MotoEmulator.StartAsync(options.MotoPort, logDirectory, options.Region, options.AccountId, options.StartTimeout, cancellationToken);
        try
        {
            await Task.WhenAll(kinesisTask, dynamoTask, motoTask);
        }
        catch
        {
            // Some may have started while another failed: leave nothing running.
            if (kinesisTask.IsCompletedSuccessfully)
            {
                kinesisTask.Result.Dispose();
            }

            if (dynamoTask.IsCompletedSuccessfully)
            {
                dynamoTask.Result.Dispose();
            }

            if (motoTask.IsCompletedSuccessfully)
            {
                motoTask.Result.Dispose();
            }

            throw;
        }

        var set = new EmulatorSet(kinesisTask.Result, dynamoTask.Result, motoTask.Result, logDirectory, log, options.StartTimeout);
        set._watchdog = Task.Run(() => set.WatchAsync(set._stop.Token), CancellationToken.None);
        log($"kinesis-mock on {set.KinesisEndpoint}, DynamoDB Local on {set.DynamoDbEndpoint}, moto on {set.MotoEndpoint} (logs in {logDirectory}{(data is null ? "; data in memory" : $"; data in {data}")})");
        return set;
    }

    /// <summary>How often a running emulator's state file is copied aside while whole (<see cref="EmulatorProcess.KeepWholeState"/>).</summary>
    private static readonly TimeSpan WholeStateEvery = TimeSpan.FromSeconds(2);

    private async Task WatchAsync(CancellationToken ct)
    {
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                foreach (var process in Processes.Where(p => !p.HasExited))
                {
                    process.KeepWholeState(WholeStateEvery);
                }

                foreach (var process in Processes.Where(p => p.HasExited))
                {
                    failures.TryGetValue(process.Name, out var failed);
                    _log($"{process.Name} exited with code {process.ExitCode}; restarting it on the same port (see {process.LogPath})");
                    try
                    {
                        await process.RestartAsync(_startTimeout, ct);
                        failures[process.Name] = 0;
                        _log($"{process.Name} is back (restart {process.Restarts})");
                        if (Restarted is { } restarted)
                        {
                            await restarted(process, ct);
                        }

                        _recovered.AddOrUpdate(process.Name, 1, (_, n) => n + 1);
                    }
                    catch (EmulatorException ex)
                    {
                        failures[process.Name] = failed + 1;
                        var wait = TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(failed, 5)));
                        _log($"{process.Name} did not come back ({ex.Message.Split('\n')[0]}); trying again in {wait.TotalSeconds:0} s");
                        await Task.Delay(wait, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The watchdog must outlive whatever one restart or re-provisioning throws.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _log($"emulator watchdog: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Stops the watchdog, then the emulators.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _watchdog.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // It ended with the cancellation; nothing more to stop.
        }

        _stop.Dispose();
        Kinesis.Dispose();
        DynamoDb.Dispose();
        Moto.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
