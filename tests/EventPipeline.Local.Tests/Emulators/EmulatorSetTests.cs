using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

/// <summary>The real thing: npm install into a fresh folder, start both emulators, call them, stop them.</summary>
public sealed class EmulatorSetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eventpipeline-emulators-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [EmulatorFact]
    public async Task StartAsync_FreshRoot_InstallsStartsAndStopsBothEmulators()
    {
        var messages = new List<string>();
        var set = await EmulatorSet.StartAsync(new EmulatorOptions { RepoRoot = _root, KinesisPort = 0, DynamoDbPort = 0, Log = messages.Add });
        var pids = new[] { set.Kinesis.Process.ProcessId, set.DynamoDb.Process.ProcessId }
            .SelectMany(p => ProcessTable.ChildrenOf(p).Append(p))
            .ToList();
        try
        {
            Assert.True(new EmulatorInstaller(_root).IsInstalled());
            Assert.True(await AwsJsonProbe.IsReadyAsync(set.KinesisEndpoint, "Kinesis_20131202.ListStreams", "1.1", "kinesis", "us-east-1", CancellationToken.None));
            Assert.True(await AwsJsonProbe.IsReadyAsync(set.DynamoDbEndpoint, "DynamoDB_20120810.ListTables", "1.0", "dynamodb", "us-east-1", CancellationToken.None));
            Assert.Contains(messages, m => m.Contains("Installing", StringComparison.Ordinal));
            Assert.True(File.Exists(set.Kinesis.Process.LogPath));
        }
        finally
        {
            await set.DisposeAsync();
        }

        // SIGKILL is delivered at once but a JVM takes a moment to tear down; poll (bounded) rather than race it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (pids.Any(ProcessTable.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"pid {pid} ({ProcessTable.NameOf(pid)}) still running after dispose"));
    }

    [EmulatorFact]
    public async Task StartAsync_PortTaken_FailsNamingThePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<EmulatorException>(
            () => EmulatorSet.StartAsync(new EmulatorOptions { RepoRoot = _root, KinesisPort = port, DynamoDbPort = 0 }));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
