using EventPipeline.Aws.Clients;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.Load;

namespace EventPipeline.Local.Tests.Emulators;

/// <summary>kinesis-mock started and stopped the way the stack does it, on a data folder.</summary>
public sealed class KinesisMockEmulatorTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("kinesis-mock-stop-").FullName;

    [EmulatorFact]
    public async Task Dispose_RightAfterPuts_TheRestartedEmulatorHasEveryRecord()
    {
        // Killed outright, kinesis-mock loses what it accepted since its last write (every second): a stack stopped
        // right after a put came back without those records, and its pollers' checkpoints pointed past the end.
        var installation = await new EmulatorInstaller(EmulatorInstaller.FindRepoRoot()).EnsureInstalledAsync(CancellationToken.None);
        var data = Path.Combine(_temp, "data");
        var port = LocalPorts.PickFree();
        using (var first = await StartAsync(installation, port, data, "first"))
        {
            // Its clients are gone before it stops, as the stack's are: kinesis-mock's server waits for open connections.
            using (var http = new HttpClient())
            using (var kinesis = Client(first, http))
            {
                await EmulatorClients.EnsureStreamAsync(kinesis, "events", CancellationToken.None);
                for (var i = 0; i < 20; i++)
                {
                    await kinesis.PutRecordAsync("events", $"k{i}", new byte[] { (byte)'a', (byte)i }, CancellationToken.None);
                }
            }
        }

        using var second = await StartAsync(installation, port, data, "second");
        using var http2 = new HttpClient();
        using var again = Client(second, http2);
        var shard = Assert.Single(await again.ListShardsAsync("events", CancellationToken.None));
        var iterator = await again.GetShardIteratorAsync("events", shard.ShardId, "TRIM_HORIZON", null, CancellationToken.None);
        var records = await again.GetRecordsAsync(iterator, 1000, CancellationToken.None);

        Assert.Equal(20, records.Records.Count);
    }

    private Task<KinesisMockEmulator> StartAsync(EmulatorInstallation installation, int port, string data, string logs) =>
        KinesisMockEmulator.StartAsync(installation, port, Directory.CreateDirectory(Path.Combine(_temp, logs)).FullName, "us-east-1", "000000000000", TimeSpan.FromSeconds(90), data, CancellationToken.None);

    private static KinesisClient Client(KinesisMockEmulator emulator, HttpClient http) => new(new AwsEndpoints
    {
        Region = "us-east-1",
        Kinesis = emulator.Endpoint,
        Credentials = new Amazon.Runtime.BasicAWSCredentials("local", "local"),
    }, http);

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
