using EventPipeline.Local;

namespace EventPipeline.Benchmarks;

/// <summary>
/// <c>smoke --binary PATH [--event FILE]</c>: runs a published Ingest bootstrap once against a local Runtime API and
/// DynamoDB Local, hands it one Kinesis event (default events/aws/kinesis-event.json) and checks that it posted a
/// batch response (a <c>batchItemFailures</c> array). Exit code 0 on success, 1 otherwise.
/// </summary>
internal static class SmokeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var binary = ColdStartBenchmark.StringArg(args, "--binary") ?? await FunctionBuilds.AotAsync("Ingest");
        var eventFile = ColdStartBenchmark.StringArg(args, "--event") ?? Path.Combine(FunctionBuilds.RepoRoot, "events", "aws", "kinesis-event.json");
        Console.Error.WriteLine("starting the local stack (DynamoDB Local + tables) …");
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions { GatewayPort = 0, AwsPort = 0, KinesisPort = 0, DynamoDbPort = 0, MotoPort = 0, InMemory = true, WriteEndpointsFile = false });
        await using var api = await RuntimeApiServer.StartAsync();
        ColdStart run;
        try
        {
            run = await FunctionProcess.RunOnceAsync(api, binary, null, ColdStartBenchmark.Environment(stack), await File.ReadAllBytesAsync(eventFile), TimeSpan.FromSeconds(60));
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"smoke: FAILED — {ex.Message}");
            return 1;
        }

        var (ok, failures) = FunctionProcess.ReadBatchResponse(run.Post);
        Console.WriteLine($"smoke: {Path.GetFileName(binary)} answered {run.Post.Path} in {run.Elapsed.TotalMilliseconds:F0} ms, peak RSS {run.PeakRssKb / 1024.0:F1} MB: {run.Post.Body}");
        if (!ok)
        {
            Console.WriteLine("smoke: FAILED — expected a response with a batchItemFailures array");
            return 1;
        }

        Console.WriteLine($"smoke: OK ({failures} batch item failures, {api.DeadLetters} dead letters sent to the SQS stand-in)");
        return 0;
    }
}
