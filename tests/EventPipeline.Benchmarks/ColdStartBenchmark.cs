using System.Globalization;
using EventPipeline.Local;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>coldstart</c>: starts the real Ingest bootstrap process (Native AOT binary, then the JIT build via <c>dotnet X.dll</c>,
/// alternating) against a local Runtime API, hands it a 100-record Kinesis batch that writes to DynamoDB Local, and times
/// process start → response posted. Also the peak RSS of each, and of the AOT binary for a 10,000-record batch.
/// </summary>
internal static class ColdStartBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = IntArg(args, "--runs", 10);
        var bigBatch = IntArg(args, "--big", 10_000);
        var aot = await FunctionBuilds.AotAsync("Ingest");
        var jit = await FunctionBuilds.JitAsync("Ingest");

        Console.Error.WriteLine("starting the local stack (DynamoDB Local + tables) …");
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions { GatewayPort = 0, AwsPort = 0, KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0, InMemory = true, WriteEndpointsFile = false });
        await using var api = await RuntimeApiServer.StartAsync();
        var env = Environment(stack);

        var timeout = TimeSpan.FromSeconds(120);
        var aotRuns = new List<ColdStart>();
        var jitRuns = new List<ColdStart>();
        // One unmeasured start of each first: the page cache then holds both builds, as it would on a warm Lambda host.
        await FunctionProcess.RunOnceAsync(api, aot, null, env, Batch(100, "warm-aot"), timeout);
        await FunctionProcess.RunOnceAsync(api, "dotnet", jit, env, Batch(100, "warm-jit"), timeout);
        for (var i = 0; i < runs; i++)
        {
            aotRuns.Add(Checked(await FunctionProcess.RunOnceAsync(api, aot, null, env, Batch(100, $"aot-{i}"), timeout)));
            jitRuns.Add(Checked(await FunctionProcess.RunOnceAsync(api, "dotnet", jit, env, Batch(100, $"jit-{i}"), timeout)));
        }

        var bigPayload = Batch(bigBatch, "big");
        var bigPayloadBytes = bigPayload.Length;
        var big = Checked(await FunctionProcess.RunOnceAsync(api, aot, null, env, bigPayload, TimeSpan.FromMinutes(5)));

        var aotMs = Median(aotRuns.Select(r => r.Elapsed.TotalMilliseconds));
        var jitMs = Median(jitRuns.Select(r => r.Elapsed.TotalMilliseconds));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"coldstart: Ingest, 100-record Kinesis batch → DynamoDB Local, {runs} runs each, alternating (process start → response posted)");
        Console.WriteLine($"  cores: {System.Environment.ProcessorCount} (shared with other work on this machine)");
        Console.WriteLine(string.Format(inv, "  {0,-5} {1,10} {2,10} {3,10} {4,10} {5,14} {6,16}", "build", "median ms", "p90 ms", "min ms", "max ms", "peak RSS MB", "init median ms"));
        Row("AOT", aotRuns);
        Row("JIT", jitRuns);
        Console.WriteLine(string.Format(inv, "  AOT/JIT median ratio: {0:F3}   (target ≤ 0.15; AOT median target ≤ 50 ms)", aotMs / jitMs));
        Console.WriteLine(string.Format(inv, "  AOT, {0:N0}-record batch: {1:F0} ms, peak RSS {2:F1} MB (target ≤ 64 MB); payload {3:F1} MB", bigBatch, big.Elapsed.TotalMilliseconds, big.PeakRssKb / 1024.0, bigPayloadBytes / 1024.0 / 1024.0));
        Console.WriteLine($"  binary: {new FileInfo(aot).Length / 1024.0 / 1024.0:F1} MB ({aot})");
        return 0;

        void Row(string name, List<ColdStart> r)
        {
            var ms = r.Select(x => x.Elapsed.TotalMilliseconds).ToList();
            Console.WriteLine(string.Format(inv, "  {0,-5} {1,10:F1} {2,10:F1} {3,10:F1} {4,10:F1} {5,14:F1} {6,16:F1}",
                name, Median(ms), Percentile(ms, 0.9), ms.Min(), ms.Max(), Median(r.Select(x => x.PeakRssKb / 1024.0)), Median(r.Select(x => x.Init.TotalMilliseconds))));
        }
    }

    /// <summary>
    /// The Ingest function's environment as the local stack deployed it from the template (tables, queue, its role's
    /// credentials, the local AWS endpoint), so the measured process makes the calls it makes in AWS, IAM-checked.
    /// </summary>
    public static Dictionary<string, string> Environment(LocalStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new Dictionary<string, string>(stack.Deployment.Function("ingest").Environment) { ["AWS_EC2_METADATA_DISABLED"] = "true" };
    }

    private static byte[] Batch(int count, string run) => KinesisBatches.CloudEvents(count, "bench", 10, $"shardId-{run}");

    private static ColdStart Checked(ColdStart run)
    {
        var (ok, failures) = FunctionProcess.ReadBatchResponse(run.Post);
        if (!ok || failures != 0)
        {
            throw new InvalidOperationException($"unexpected answer at {run.Post.Path}: {run.Post.Body[..Math.Min(run.Post.Body.Length, 500)]}");
        }

        return run;
    }

    internal static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        // Nearest-rank: the smallest value with at least p of the sample at or below it.
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string? StringArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
