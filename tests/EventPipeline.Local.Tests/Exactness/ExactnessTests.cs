using EventPipeline.Application.Ingest;
using System.Collections.Concurrent;
using System.Globalization;
using EventPipeline.Local.Tests.Integration;
using Xunit.Abstractions;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>
/// Generated cases through the real Ingest path on DynamoDB Local: whatever the duplicates, the out-of-order and late
/// event times, the batching across shards, the crashes and redeliveries, the stored aggregates equal the oracle
/// (<see cref="Domain.Aggregation.Aggregator.Fold"/> of the distinct events). Seeds are fixed so a failure can be rerun;
/// set <c>EXACTNESS_SEED</c> to run other seeds and <c>EXACTNESS_SCALE</c> (e.g. 0.1 or 5) to run fewer or more cases.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class ExactnessTests(LocalStackFixture fx, ITestOutputHelper output)
{
    private const int Lanes = 6;

    [Fact]
    public async Task Ingest_CrashesRedeliveriesAndConcurrentShards_MatchOracle()
    {
        await RunCasesAsync(Scaled(120), 1_000, new CaseProfile(10, 25, 3, 8, Crashes: true, ConcurrentShards: true));
    }

    [Fact]
    public async Task Ingest_CrashesRedeliveriesAndInterleavedShards_MatchOracle()
    {
        await RunCasesAsync(Scaled(200), 2_000, new CaseProfile(10, 40, 3, 8, Crashes: true, ConcurrentShards: false));
    }

    [Fact]
    public async Task Ingest_DuplicatesOutOfOrderAndLateEvents_MatchOracle()
    {
        await RunCasesAsync(Scaled(800), 10_000, new CaseProfile(5, 8, 2, 10, Crashes: false, ConcurrentShards: false));
    }

    [Fact]
    public async Task Ingest_FingerprintsMovedToDedupTableAndCopiesOnOtherShards_MatchOracle()
    {
        // Two fingerprints per entity item: older ones (events and skipped copies) move to the dedup table within every case.
        await RunCasesAsync(Scaled(100), 20_000, new CaseProfile(10, 30, 3, 8, Crashes: true, ConcurrentShards: true, DedupCapacity: 2));
    }

    [Fact]
    public async Task Ingest_ArrivalsOverHoursEvictAndRestoreWindows_MatchOracle()
    {
        // Arrivals spread over five hours: metric items evict closed windows, older arrivals processed later bring them back.
        await RunCasesAsync(Scaled(100), 30_000, new CaseProfile(10, 30, 3, 8, Crashes: true, ConcurrentShards: false, ArrivalSpreadMinutes: 300));
    }

    private static int Scaled(int cases) =>
        Environment.GetEnvironmentVariable("EXACTNESS_SCALE") is { Length: > 0 } s
            ? Math.Max(1, (int)(cases * double.Parse(s, CultureInfo.InvariantCulture)))
            : cases;

    private async Task RunCasesAsync(int cases, int firstSeed, CaseProfile profile)
    {
        var baseSeed = Environment.GetEnvironmentVariable("EXACTNESS_SEED") is { Length: > 0 } env
            ? int.Parse(env, CultureInfo.InvariantCulture)
            : firstSeed;
        var failures = new ConcurrentBag<string>();
        var next = -1;
        var injected = 0;
        var dedupWrites = 0;
        var evicted = 0;
        var started = DateTime.UtcNow;
        var settings = await ExactnessTables.EnsureAsync(fx.Stack.Aws.DynamoDb, fx.Stack.Settings);

        // A few lanes at once, each with its own client, so one case's injected failure never hits another case.
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(_ => Task.Run(async () =>
        {
            using var client = new CrashingDynamoDbClient(new Uri(fx.Stack.Endpoints.DynamoDbEndpoint));
            var runner = new ExactnessRunner(client, settings);
            int i;
            while ((i = Interlocked.Increment(ref next)) < cases && failures.Count < 3)
            {
                var c = ExactnessCase.Generate(baseSeed + i, profile, fx.Stack.Settings.GracePeriod);
                if (await runner.RunAsync(c, profile) is { } diff)
                {
                    failures.Add(diff);
                }
            }

            Interlocked.Add(ref injected, client.Triggered);
            Interlocked.Add(ref dedupWrites, runner.DedupWrites);
            Interlocked.Add(ref evicted, runner.EvictedWindows);
        })));

        output.WriteLine($"{Math.Min(cases, next)} cases from seed {baseSeed} in {(DateTime.UtcNow - started).TotalSeconds:F1}s, {injected} injected failures, {dedupWrites} fingerprint chunks moved, {evicted} windows evicted");
        Assert.True(failures.IsEmpty, "stored aggregates differ from the oracle:\n" + string.Join("\n", failures));
        Assert.True(!profile.Crashes || injected > 0, "no failure was injected: the crash cases tested nothing");
        Assert.True(profile.DedupCapacity >= AggregateWriter.DefaultDedupCapacity || dedupWrites > 0, "no fingerprint moved to the dedup table: the case tested nothing new");
        Assert.True(profile.ArrivalSpreadMinutes == 0 || evicted > 0, "no window was evicted: the case tested nothing new");
    }
}
