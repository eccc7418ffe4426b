using System.CommandLine;
using System.Diagnostics;

namespace EventPipeline.Local;

/// <summary><c>up</c>: start the whole local stack and keep it running until Ctrl-C.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port of the local API Gateway (WebSocket, REST, webhooks, dashboard); 0 = any free port", DefaultValueFactory = _ => EnvInt("EVENTPIPELINE_PORT", 4510) };
        var kinesisPort = new Option<int>("--kinesis-port") { Description = "kinesis-mock plain-HTTP port", DefaultValueFactory = _ => EnvInt("EVENTPIPELINE_KINESIS_PORT", 4568) };
        var dynamoPort = new Option<int>("--dynamodb-port") { Description = "DynamoDB Local port", DefaultValueFactory = _ => EnvInt("EVENTPIPELINE_DYNAMODB_PORT", 8000) };
        var awsPort = new Option<int>("--aws-port") { Description = "Port of the local AWS endpoint (every service; SigV4 and IAM checked)", DefaultValueFactory = _ => EnvInt("EVENTPIPELINE_AWS_PORT", 4599) };
        var motoPort = new Option<int>("--moto-port") { Description = "moto_server port (SQS, SSM, SES, SNS, EventBridge)", DefaultValueFactory = _ => EnvInt("EVENTPIPELINE_MOTO_PORT", 4576) };
        var shards = new Option<int?>("--shards") { Description = "Shards of the events stream (default: the template's; on-demand streams get 4, as in AWS)" };
        var template = new Option<DirectoryInfo?>("--template") { Description = "Deploy this cloud assembly (a cdk.out folder) instead of synthesizing infra/" };
        var inMemory = new Option<bool>("--in-memory") { Description = "Keep all data in memory (by default it persists under .eventpipeline/data)" };
        var fresh = new Option<bool>("--fresh") { Description = "Delete the persisted data before starting" };
        var window = new Option<int?>("--batching-window") { Description = "Override every event source mapping's batching window, in seconds (development)" };
        var latency = new Option<LatencyMode>("--latency")
        {
            Description = "low: synthesize with -c ingestLatency=low (Ingest mapping on an enhanced fan-out consumer, no batching window); default: cost-optimised (polled once a second, 1 s window)",
            DefaultValueFactory = _ => LatencyMode.Default,
        };
        var pollInterval = new Option<int?>("--poll-interval") { Description = "Override how often every mapping reads an idle shard, in milliseconds (development; default: Lambda's rate for the source kind)" };
        var tenant = new Option<string>("--demo-tenant") { Description = "Tenant of the demo token", DefaultValueFactory = _ => "demo" };
        var timeScale = new Option<double>("--workflow-time-scale") { Description = "Speed-up of workflow waits (0.01 = a 100 s wait takes 1 s)", DefaultValueFactory = _ => 1.0 };
        var allowHost = new Option<string[]>("--allow-host") { Description = "A host name besides localhost/127.0.0.1/[::1] that requests may name in Host (and pages in Origin); repeatable", AllowMultipleArgumentsPerToken = true };
        var openDevToken = new Option<bool>("--open-dev-token") { Description = "Let /dev/token answer any loopback caller without the admin token" };
        var command = new Command("up", "Start the local stack (the default verb): installs and starts the emulators, deploys the synthesized CDK templates on them, hosts the functions, event source mappings and API Gateway.")
        {
            port, awsPort, kinesisPort, dynamoPort, motoPort, shards, tenant, timeScale, template, inMemory, fresh, window, latency, pollInterval, allowHost, openDevToken,
        };
        command.SetAction(async (parse, ct) =>
        {
            var started = Stopwatch.StartNew();
            var options = new LocalStackOptions
            {
                GatewayPort = parse.GetValue(port),
                AwsPort = parse.GetValue(awsPort),
                KinesisPort = parse.GetValue(kinesisPort),
                DynamoDbPort = parse.GetValue(dynamoPort),
                MotoPort = parse.GetValue(motoPort),
                Shards = parse.GetValue(shards),
                TemplateDirectory = parse.GetValue(template)?.FullName,
                InMemory = parse.GetValue(inMemory),
                Fresh = parse.GetValue(fresh),
                BatchingWindowOverride = parse.GetValue(window),
                Latency = parse.GetValue(latency),
                PollIntervalOverride = parse.GetValue(pollInterval) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                DemoTenant = parse.GetValue(tenant)!,
                WorkflowTimeScale = parse.GetValue(timeScale),
                AllowedHosts = parse.GetValue(allowHost) ?? [],
                OpenDevToken = parse.GetValue(openDevToken),
                Log = m => Console.Error.WriteLine($"  {m}"),
            };
            LocalStack stack;
            try
            {
                stack = await LocalStack.StartAsync(options, ct);
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
            catch (Exception ex) when (ex is Emulators.EmulatorException or IOException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }

            await using (stack)
            {
                var e = stack.Endpoints;
                Console.WriteLine($"EventPipeline local stack is ready ({started.Elapsed.TotalSeconds:F1} s)");
                Console.WriteLine($"  aws endpoint  {e.AwsEndpoint}   every service, SigV4 + IAM; region {e.Region}; administrator keys in endpoints.json");
                Console.WriteLine($"  stream        {e.StreamName}");
                Console.WriteLine($"  templates     {stack.Synth.Directory}{(stack.Synth.FromCache ? " (cached synth)" : "")}");
                var ingest = stack.IngestMappingCadence;
                Console.WriteLine($"  latency       {(ingest.Source == "consumer" ? "low" : "default")}: Ingest mapping on the {ingest.Source}, window {ingest.BatchingWindowSeconds} s, {(ingest.WokenByPuts ? "woken by puts" : $"idle poll {ingest.IdlePollMilliseconds:0} ms")}; Publish mapping idle poll {stack.PublishMappingCadence.IdlePollMilliseconds:0} ms");
                Console.WriteLine($"  websocket     {e.WebSocketUrl}?token=<token>");
                Console.WriteLine($"  rest          {e.RestUrl}/aggregates/...   (Authorization: Bearer <token>)");
                Console.WriteLine($"  webhooks      {e.WebhookUrl}/{{tenant}}/{{source}}");
                Console.WriteLine($"  dashboard     {stack.DashboardSignInUrl}");
                Console.WriteLine($"  admin token   {e.AdminToken}   (/dead-letters, /outbox, /dev/token: Authorization: Bearer <admin token>)");
                Console.WriteLine($"  demo tenant   {e.DemoTenant}");
                Console.WriteLine($"  demo token    {e.DemoToken}");
                Console.WriteLine($"  endpoints     {Path.Combine(stack.RepoRoot, ".eventpipeline", "endpoints.json")}");
                Console.WriteLine("Press Ctrl-C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }

                Console.Error.WriteLine("stopping…");
            }

            return 0;
        });
        return command;
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
