using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Integrations;

namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>
/// One <c>moto_server</c> on a free loopback port for the tests of the <see cref="MotoCollection"/>, stopped (by its
/// process id, with its children) when they are done. Tests share it, so each uses its own table, addresses and texts.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";

    private Process? _process;

    /// <summary>moto's base URL, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Any keys do: moto does not check signatures.</summary>
    public static BasicAWSCredentials Credentials { get; } = new("moto-test", "moto-test-secret");

    public HttpClient Http { get; } = AwsJsonClient.CreateHttpClient();

    /// <summary>The path of <c>moto_server</c>, or null when it is not on PATH.</summary>
    public static string? Executable { get; } = FindOnPath("moto_server");

    /// <summary>Task integrations pointed straight at moto (DynamoDB, SES v2 and SNS on one port).</summary>
    public ServiceIntegrationEndpoints IntegrationEndpoints => new() { Region = Region, Credentials = Credentials, Endpoint = Endpoint };

    /// <summary>Signed-client settings for moto, one attempt per call.</summary>
    public static AwsEndpoints ClientConfig => new() { Region = Region, Credentials = Credentials, Retry = new AwsRetryOptions { MaxAttempts = 1 } };

    public async Task InitializeAsync()
    {
        if (Executable is null)
        {
            return;
        }

        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _process = Process.Start(new ProcessStartInfo(Executable, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("moto_server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when the moto API answers; a start that fails (port taken, broken install) ends the wait early.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with {_process.ExitCode} before answering on {Endpoint}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(Endpoint, "/moto-api/data.json"), deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
