using System.Globalization;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// moto's server (<c>moto_server</c>, from the Python package <c>moto[server]</c>) on loopback: the stand-in for SQS,
/// SSM Parameter Store, SES v2, SNS and EventBridge on their real wire protocols. moto keeps its state in memory only.
/// </summary>
public sealed class MotoEmulator : IDisposable
{
    /// <summary>moto_server's own default port.</summary>
    public const int DefaultPort = 5000;

    /// <summary>What to install when moto_server is missing.</summary>
    public const string InstallHint = "install it with: pip install \"moto[server]\" (Python 3.9+), so that 'moto_server' is on PATH";

    private readonly EmulatorProcess _process;

    private MotoEmulator(EmulatorProcess process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = LocalPorts.LoopbackUrl(port);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Service URL for the SQS, SSM, SES, SNS and EventBridge clients.</summary>
    public Uri Endpoint { get; }

    /// <summary>The underlying process (PID, log).</summary>
    public EmulatorProcess Process => _process;

    /// <summary>Where moto_server is, or an actionable error.</summary>
    /// <exception cref="EmulatorException">moto_server is not on PATH.</exception>
    public static string FindExecutable() =>
        CommandRunner.FindOnPath("moto_server") ?? throw new EmulatorException($"moto_server was not found on PATH: {InstallHint}.");

    /// <summary>Starts moto_server and waits until SQS answers.</summary>
    public static async Task<MotoEmulator> StartAsync(int port, string logDirectory, string region, string accountId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var executable = FindExecutable();
        port = LocalPorts.Resolve(port);
        await LocalPorts.EnsureFreeAsync(port, cancellationToken);
        var site = MotoSite.Write(logDirectory);
        var info = new EmulatorStartInfo(
            "moto",
            executable,
            ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)],
            logDirectory,
            Path.Combine(logDirectory, $"moto-{port}.log"))
        {
            Environment = new Dictionary<string, string>
            {
                // ARNs and queue URLs in the stack's account, not moto's default 123456789012.
                ["MOTO_ACCOUNT_ID"] = accountId,
                ["AWS_DEFAULT_REGION"] = region,
                ["PYTHONUNBUFFERED"] = "1",
                ["PYTHONPATH"] = MotoSite.PythonPath(site),
            },
        };
        var endpoint = LocalPorts.LoopbackUrl(port);
        var process = await EmulatorProcess.StartReadyAsync(
            info,
            ct => AwsJsonProbe.IsReadyAsync(endpoint, "AmazonSQS.ListQueues", "1.0", "sqs", region, ct),
            timeout,
            cancellationToken);
        return new MotoEmulator(process, port);
    }

    /// <summary>Stops moto.</summary>
    public void Dispose() => _process.Dispose();
}
