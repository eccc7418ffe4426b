namespace EventPipeline.Local.Emulators;

/// <summary>How to start the emulators.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Repository root; null finds it (EVENTPIPELINE_HOME, or the folder holding EventPipeline.sln).</summary>
    public string? RepoRoot { get; init; }

    /// <summary>kinesis-mock plain-HTTP port; 0 picks a free one.</summary>
    public int KinesisPort { get; init; } = KinesisMockEmulator.DefaultPort;

    /// <summary>DynamoDB Local port; 0 picks a free one.</summary>
    public int DynamoDbPort { get; init; } = DynamoDbLocalEmulator.DefaultPort;

    /// <summary>Region the emulators put in ARNs.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Account id the emulators put in ARNs.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>How long each emulator may take to answer its first API call (JVM start on a busy machine is slow).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Progress messages (installing, started on port …).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>Both emulators, started together; disposing stops both.</summary>
public sealed class EmulatorSet : IAsyncDisposable, IDisposable
{
    private EmulatorSet(KinesisMockEmulator kinesis, DynamoDbLocalEmulator dynamoDb, string logDirectory)
    {
        Kinesis = kinesis;
        DynamoDb = dynamoDb;
        LogDirectory = logDirectory;
    }

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
        var installation = await new EmulatorInstaller(repoRoot, log).EnsureInstalledAsync(cancellationToken);
        var logDirectory = Path.Combine(repoRoot, ".eventpipeline", "logs");
        Directory.CreateDirectory(logDirectory);

        var kinesisTask = KinesisMockEmulator.StartAsync(
            installation, options.KinesisPort, logDirectory, options.Region, options.AccountId, options.StartTimeout, cancellationToken);
        var dynamoTask = DynamoDbLocalEmulator.StartAsync(
            installation, options.DynamoDbPort, logDirectory, options.Region, options.StartTimeout, cancellationToken);
        try
        {
            await Task.WhenAll(kinesisTask, dynamoTask);
        }
        catch
        {
            // One may have started while the other failed: leave nothing running.
            if (kinesisTask.IsCompletedSuccessfully)
            {
                kinesisTask.Result.Dispose();
            }

            if (dynamoTask.IsCompletedSuccessfully)
            {
                dynamoTask.Result.Dispose();
            }

            throw;
        }

        var set = new EmulatorSet(kinesisTask.Result, dynamoTask.Result, logDirectory);
        log($"kinesis-mock on {set.KinesisEndpoint}, DynamoDB Local on {set.DynamoDbEndpoint} (logs in {logDirectory})");
        return set;
    }

    /// <summary>Stops both emulators.</summary>
    public void Dispose()
    {
        Kinesis.Dispose();
        DynamoDb.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
