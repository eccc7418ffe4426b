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
