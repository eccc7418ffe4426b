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
        var shards = new Option<int>("--shards") { Description = "Shards of the events stream", DefaultValueFactory = _ => 2 };
        var tenant = new Option<string>("--demo-tenant") { Description = "Tenant of the demo token", DefaultValueFactory = _ => "demo" };
        var timeScale = new Option<double>("--workflow-time-scale") { Description = "Speed-up of workflow waits (0.01 = a 100 s wait takes 1 s)", DefaultValueFactory = _ => 1.0 };
        var command = new Command("up", "Start the local stack (the default verb): installs and starts the emulators, creates the stream and tables, hosts the functions, pollers and the API Gateway emulation.")
        {
            port, kinesisPort, dynamoPort, shards, tenant, timeScale,
        };
        command.SetAction(async (parse, ct) =>
        {
            var started = Stopwatch.StartNew();
            var options = new LocalStackOptions
            {
                GatewayPort = parse.GetValue(port),
                KinesisPort = parse.GetValue(kinesisPort),
                DynamoDbPort = parse.GetValue(dynamoPort),
                Shards = parse.GetValue(shards),
                DemoTenant = parse.GetValue(tenant)!,
                WorkflowTimeScale = parse.GetValue(timeScale),
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
                Console.WriteLine($"  kinesis       {e.KinesisEndpoint}   stream '{e.StreamName}', region {e.Region}, keys local/local");
                Console.WriteLine($"  dynamodb      {e.DynamoDbEndpoint}");
                Console.WriteLine($"  websocket     {e.WebSocketUrl}?token=<token>");
                Console.WriteLine($"  rest          {e.RestUrl}/aggregates/...   (Authorization: Bearer <token>)");
                Console.WriteLine($"  webhooks      {e.WebhookUrl}/{{tenant}}/{{source}}");
                Console.WriteLine($"  dashboard     {e.DashboardUrl}");
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
