using System.Globalization;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// kinesis-mock (npm <c>kinesis-local</c>) on loopback, plain HTTP. Runs <c>node main.js</c> from its package folder,
/// where it finds its TLS certificate (server.json).
/// </summary>
public sealed class KinesisMockEmulator : IDisposable
{
    /// <summary>Default plain-HTTP port (kinesis-mock's own default).</summary>
    public const int DefaultPort = 4568;

    private readonly EmulatorProcess _process;

    private KinesisMockEmulator(EmulatorProcess process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = LocalPorts.LoopbackUrl(port);
    }

    /// <summary>Plain-HTTP port.</summary>
    public int Port { get; }

    /// <summary>Service URL for Kinesis clients.</summary>
    public Uri Endpoint { get; }

    /// <summary>The underlying process (PID, log).</summary>
    public EmulatorProcess Process => _process;

    /// <summary>Starts kinesis-mock and waits until ListStreams answers.</summary>
    /// <param name="installation">Where node and the package are.</param>
    /// <param name="port">Plain-HTTP port; 0 picks a free one.</param>
    /// <param name="logDirectory">Folder for the log file.</param>
    /// <param name="region">AWS_REGION the mock reports in ARNs.</param>
    /// <param name="accountId">AWS_ACCOUNT_ID the mock reports in ARNs.</param>
    /// <param name="timeout">How long to wait for readiness.</param>
    /// <param name="dataDirectory">Where kinesis-mock persists its streams and records (every second); null keeps them in memory only.</param>
    /// <param name="cancellationToken">Cancels the wait (the process is then killed).</param>
    public static async Task<KinesisMockEmulator> StartAsync(
        EmulatorInstallation installation,
        int port,
        string logDirectory,
        string region,
        string accountId,
        TimeSpan timeout,
        string? dataDirectory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(installation);
        port = LocalPorts.Resolve(port);
        await LocalPorts.EnsureFreeAsync(port, cancellationToken);
        var info = new EmulatorStartInfo(
            "kinesis-mock",
            installation.NodePath,
            ["main.js"],
            installation.KinesisMockDirectory,
            Path.Combine(logDirectory, $"kinesis-mock-{port}.log"))
        {
            Environment = new Dictionary<string, string>
            {
                ["KINESIS_MOCK_PLAIN_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                // The TLS listener cannot be turned off; a free port keeps two stacks from colliding on 4567.
                ["KINESIS_MOCK_TLS_PORT"] = LocalPorts.PickFree().ToString(CultureInfo.InvariantCulture),
                ["AWS_REGION"] = region,
                ["AWS_ACCOUNT_ID"] = accountId,
                ["SHOULD_PERSIST_DATA"] = dataDirectory is null ? "false" : "true",
                ["PERSIST_PATH"] = dataDirectory is null ? "data" : Directory.CreateDirectory(dataDirectory).FullName,
                ["LOAD_DATA_IF_EXISTS"] = dataDirectory is null ? "false" : "true",
                // kinesis-mock writes its state on this interval: records accepted in the last interval before a crash are lost.
                ["PERSIST_INTERVAL"] = "1s",
                // Streams become ACTIVE after this delay; the default 500 ms only slows local startup and tests.
                ["CREATE_STREAM_DURATION"] = "10ms",
                ["DELETE_STREAM_DURATION"] = "10ms",
                ["UPDATE_STREAM_DURATION"] = "10ms",
                ["REGISTER_STREAM_CONSUMER_DURATION"] = "10ms",
                ["ROOT_LOG_LEVEL"] = "WARN",
            },
            // Killed outright, kinesis-mock loses what it accepted since its last write, and after a restart the pollers'
            // checkpoints would point past the records it still has: a stop waits for the next write (PERSIST_INTERVAL).
            StateFile = dataDirectory is null ? null : Path.Combine(Path.GetFullPath(dataDirectory), "kinesis-data.json"),
        };
        var endpoint = LocalPorts.LoopbackUrl(port);
        var process = await EmulatorProcess.StartReadyAsync(
            info,
            ct => AwsJsonProbe.IsReadyAsync(endpoint, "Kinesis_20131202.ListStreams", "1.1", "kinesis", region, ct),
            timeout,
            cancellationToken);
        return new KinesisMockEmulator(process, port);
    }

    /// <summary>Stops kinesis-mock and everything it started.</summary>
    public void Dispose() => _process.Dispose();
}
