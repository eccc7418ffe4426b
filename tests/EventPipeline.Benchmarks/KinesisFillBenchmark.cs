using System.Diagnostics;
using System.Globalization;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.Load;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>kinesis-fill</c>: kinesis-mock's own put rate as a stream fills, on a kinesis-mock of its own (no stack, nothing
/// else on its Node thread). PutRecords of 500 × 800 B back to back, as <c>load</c>'s ceiling measures it, with one line
/// per step of records per shard; with one-record PutRecord calls (8 in flight) on the empty stream and on the full one. Each line gives the
/// emulator's CPU per record from <c>/proc</c>. The baseline is the first step: <c>load</c> measures its ceiling on an
/// empty scratch stream, while the events stream it feeds holds thousands of records per shard within a minute.
/// </summary>
internal static class KinesisFillBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var shards = IntArg(args, "--shards", 4);
        var perShard = IntArg(args, "--per-shard", 10_000);
        var step = IntArg(args, "--step", 2_000);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var ct = cts.Token;
        var installation = await new EmulatorInstaller(FunctionBuilds.RepoRoot).EnsureInstalledAsync(ct);
        var logs = Directory.CreateDirectory(Path.Combine(FunctionBuilds.RepoRoot, ".eventpipeline", "logs")).FullName;
        using var emulator = await KinesisMockEmulator.StartAsync(installation, 0, logs, "us-east-1", "000000000000", TimeSpan.FromSeconds(60), null, ct);
        var pid = emulator.Process.EmulatorProcessId ?? emulator.Process.ProcessId;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        using var kinesis = new KinesisClient(new AwsEndpoints
        {
            Region = "us-east-1",
            Kinesis = emulator.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("bench", "bench"),
        }, http);
        const string Stream = "fill";
        await EmulatorClients.EnsureStreamAsync(kinesis, "warm", ct);
        await EmulatorClients.EnsureStreamAsync(kinesis, Stream, ct, shards);

        Console.WriteLine($"kinesis-fill: kinesis-mock {EmulatorInstaller.KinesisLocalVersion} alone (pid {pid}), stream of {shards} shards, PutRecords of 500 × 800 B back to back, partition keys spread over the shards");
        var payload = new byte[800];
        Array.Fill(payload, (byte)'x');
        // Node compiles kinesis-mock's paths on the first calls (10 ms of CPU a call, against 4-5 warm): warm them on a
        // stream of their own, so the figures below are the emulator's steady cost.
        await SingleRecordCallsAsync(kinesis, "warm", pid, -1, payload, ct, print: false);
        for (var i = 0; i < 4; i++)
        {
            await kinesis.PutRecordsAsync("warm", [.. Enumerable.Range(0, 500).Select(k => new PutRecordsEntry($"w{k}", payload))], ct);
        }

        // One record per call first, on the empty stream: a call's own cost, to set beside the same calls on the full one.
        long put = await SingleRecordCallsAsync(kinesis, Stream, pid, 0, payload, ct);

        double? first = null, last = null;
        for (var target = (long)step * shards; target <= (long)perShard * shards; target += (long)step * shards)
        {
            var cpuBefore = StackCpu.ProcessSeconds(pid);
            var sw = Stopwatch.StartNew();
            var inStep = 0L;
            while (put < target)
            {
                var entries = Enumerable.Range(0, 500).Select(i => new PutRecordsEntry($"k{put + i}", payload)).ToList();
                var r = await kinesis.PutRecordsAsync(Stream, entries, ct);
                put += entries.Count - r.FailedRecordCount;
                inStep += entries.Count - r.FailedRecordCount;
            }

            var rate = inStep / sw.Elapsed.TotalSeconds;
            var cpuPerRecord = 1000 * (StackCpu.ProcessSeconds(pid) - cpuBefore) / Math.Max(1, inStep);
            first ??= rate;
            last = rate;
            Console.WriteLine(string.Format(Inv, "kinesis-fill records-per-shard={0} put-records-per-s={1:F0} cpu-ms-per-record={2:F2} ratio-to-first={3:F2}",
                put / shards, rate, cpuPerRecord, rate / first.Value));
        }

        await SingleRecordCallsAsync(kinesis, Stream, pid, put / shards, payload, ct);
        Console.WriteLine(string.Format(Inv, "  PutRecords at {0:N0} records per shard runs at {1:P0} of its rate on an almost empty stream", perShard, last / first));
        return 0;
    }

    /// <summary>400 one-record PutRecord calls, 8 in flight; prints their rate and the emulator's CPU per record.</summary>
    private static async Task<int> SingleRecordCallsAsync(KinesisClient kinesis, string stream, int pid, long perShard, byte[] payload, CancellationToken ct, bool print = true)
    {
        const int Calls = 400;
        var cpuAt = StackCpu.ProcessSeconds(pid);
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Calls)
            {
                await kinesis.PutRecordAsync(stream, $"single{perShard}-{i}", payload, ct);
            }
        }));
        if (print)
        {
            Console.WriteLine(string.Format(Inv, "kinesis-fill putrecord records-per-shard={0} put-records-per-s={1:F0} cpu-ms-per-record={2:F2} (one record per call, 8 in flight)",
                perShard, Calls / watch.Elapsed.TotalSeconds, 1000 * (StackCpu.ProcessSeconds(pid) - cpuAt) / Calls));
        }

        return Calls;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], Inv) : fallback;
    }
}
