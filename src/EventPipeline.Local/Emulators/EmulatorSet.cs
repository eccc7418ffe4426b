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

    /// <summary>moto_server port; 0 picks a free one.</summary>
    public int MotoPort { get; init; } = MotoEmulator.DefaultPort;

    /// <summary>
    /// Where DynamoDB Local and kinesis-mock keep their data across restarts (<c>.eventpipeline/data</c> by default);
    /// null keeps everything in memory (<c>up --in-memory</c>, the test fixture).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Region the emulators put in ARNs.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Account id the emulators put in ARNs.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>How long each emulator may take to answer its first API call (JVM start on a busy machine is slow).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Progress messages (installing, started on port …).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>The emulators (kinesis-mock, DynamoDB Local, moto), started together; disposing stops them all.</summary>
public sealed class EmulatorSet : IAsyncDisposable, IDisposable
{
    private EmulatorSet(KinesisMockEmulator kinesis, DynamoDbLocalEmulator dynamoDb, MotoEmulator moto, string logDirectory)
    {
        Kinesis = kinesis;
        DynamoDb = dynamoDb;
        Moto = moto;
        LogDirectory = logDirectory;
    }

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

        var set = new EmulatorSet(kinesisTask.Result, dynamoTask.Result, motoTask.Result, logDirectory);
        log($"kinesis-mock on {set.KinesisEndpoint}, DynamoDB Local on {set.DynamoDbEndpoint}, moto on {set.MotoEndpoint} (logs in {logDirectory}{(data is null ? "; data in memory" : $"; data in {data}")})");
        return set;
    }

    /// <summary>Stops both emulators.</summary>
    public void Dispose()
    {
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
