using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Connections;
using EventPipeline.Ingest;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Publish;
using EventPipeline.Query;
using EventPipeline.Sources;
using EventPipeline.Webhook;

namespace EventPipeline.Local.Cli;

/// <summary>
/// <c>invoke &lt;function&gt; &lt;event.json&gt;</c>, like <c>sam local invoke -e</c>: builds the function in this process
/// against the running stack's emulators, hands it the event JSON, and prints the response JSON.
/// </summary>
internal static class InvokeCommand
{
    /// <summary>The functions this verb can run.</summary>
    public static readonly string[] Functions = ["ingest", "publish", "connections", "query", "webhook", "reminders"];

    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var function = new Argument<string>("function") { Description = "One of: " + string.Join(", ", Functions) };
        function.AcceptOnlyFromAmong(Functions);
        var file = new Argument<FileInfo>("event") { Description = "Event JSON as AWS sends it, e.g. events/aws/kinesis-event.json" };
        var timeScale = new Option<double>("--workflow-time-scale") { Description = "reminders: speed-up of the workflow's wait (0.01 = a 100 s wait takes 1 s)", DefaultValueFactory = _ => 1.0 };
        var command = new Command("invoke", "Run one function in-process against the running stack with an event JSON file; print its response") { function, file, timeScale };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"event: file '{path.FullName}' not found");
            }

            var json = await File.ReadAllTextAsync(path.FullName, ct);
            // Like sam local invoke: the function's logs on stderr, its response on stdout.
            var response = await InvokeAsync(s, parse.GetValue(function)!, json, parse.InvocationConfiguration.Error, ct, parse.GetValue(timeScale));
            await output.WriteLineAsync(response);
            return 0;
        }));
        return command;
    }

    /// <summary>Runs <paramref name="function"/> on <paramref name="eventJson"/>; returns the response as JSON.</summary>
    internal static async Task<string> InvokeAsync(CliStack stack, string function, string eventJson, TextWriter logs, CancellationToken ct, double workflowTimeScale = 1.0)
    {
        var log = LambdaLog.FromEnvironment(logs);
        EmfMetrics Metrics() => EmfMetrics.ForFunction("EventPipeline", function, logs);
        var settings = new PipelineSettings();
        var e = stack.Endpoints;
        using var aws = AwsClients.Create(new AwsEndpoints
        {
            Region = e.Region,
            Credentials = AwsEndpoints.LocalCredentials(),
            Kinesis = new Uri(e.KinesisEndpoint),
            DynamoDb = new Uri(e.DynamoDbEndpoint),
            DynamoDbStreams = new Uri(e.DynamoDbEndpoint),
            ExecuteApi = new Uri(e.RestUrl + "/"),
        });
        var clock = TimeProvider.System;
        var context = LambdaContext.ForLocal(function, TimeSpan.FromSeconds(30));
        var sources = new SourceDependencies { HttpClient = aws.Http, GraphBaseUrl = new Uri(e.RestUrl + "/fake/graph/v1.0/"), Clock = clock };
        var events = LambdaEventsJsonContext.Default;
        switch (function)
        {
            case "ingest":
            {
                var f = IngestComposition.Create(settings, aws.DynamoDb, new DynamoDeadLetterStore(aws.DynamoDb, settings.OperationsTable), sources, clock, "ingest", log, Metrics());
                return Serialize(await f.HandleAsync(Parse(eventJson, events.KinesisEvent), context, ct), events.StreamsEventResponse);
            }

            case "publish":
            {
                var f = PublishComposition.Create(settings, aws.DynamoDb, aws.Management!, clock, log, Metrics());
                return Serialize(await f.HandleAsync(Parse(eventJson, events.DynamoDBEvent), context, ct), events.StreamsEventResponse);
            }

            case "connections":
            {
                // The stack's token key never leaves its process: $connect here accepts no token (401), routes work.
                var validator = new TenantTokenValidator(TokenSettings.Hs256(settings.JwtIssuer, settings.JwtAudience, RandomNumberGenerator.GetBytes(32)));
                var f = new ConnectionsFunction(
                    validator,
                    new Aws.Connections.DynamoConnectionStore(aws.DynamoDb, settings.ConnectionsTable, clock),
                    new Aws.Connections.DynamoChangeLog(aws.DynamoDb, settings.ChangeLogTable, clock, settings.ChangeLogRetention),
                    aws.Management!,
                    clock,
                    log,
                    Metrics());
                return Serialize(await f.HandleAsync(Parse(eventJson, events.APIGatewayWebSocketRequest), context, ct), events.APIGatewayProxyResponse);
            }

            case "query":
            {
                var f = QueryComposition.Create(settings, aws.DynamoDb, clock, log, Metrics());
                return Serialize(await f.HandleAsync(Parse(eventJson, events.APIGatewayHttpApiV2ProxyRequest), context, ct), events.APIGatewayHttpApiV2ProxyResponse);
            }

            case "webhook":
            {
                var secretsPath = Path.Combine(stack.RepoRoot, ".eventpipeline", "webhook-secrets.json");
                if (!File.Exists(secretsPath))
                {
                    throw new CliException($"{secretsPath}: not found; start the stack first");
                }

                var f = WebhookComposition.Create(
                    SourceCatalog.Create(sources),
                    FileWebhookSecrets.Load(secretsPath),
                    aws.Kinesis,
                    log,
                    new WebhookOptions { StreamName = settings.EventsStream, PublicBaseUrl = e.RestUrl });
                return Serialize(await f.HandleAsync(Parse(eventJson, events.APIGatewayHttpApiV2ProxyRequest), context, ct), events.APIGatewayHttpApiV2ProxyResponse);
            }

            case "reminders":
                return await InvokeRemindersAsync(stack, aws, settings, eventJson, context, logs, workflowTimeScale, ct);
            default:
                throw new CliException($"function: must be one of {string.Join(", ", Functions)}");
        }
    }

    /// <summary>
    /// The Reminders function with the workflow run in this process (the stack's own state machine lives in the 'up'
    /// process): notifications go to the stack's outbox file. Waits for the execution so they are not lost on exit.
    /// </summary>
    private static async Task<string> InvokeRemindersAsync(
        CliStack stack, AwsClients aws, PipelineSettings settings, string eventJson, ILambdaContext context, TextWriter logs, double timeScale, CancellationToken ct)
    {
        using var notifications = StepFunctions.Local.Outbox.JsonLinesNotifications.InDirectory(Path.Combine(stack.RepoRoot, ".eventpipeline"));
        var definition = Workflow.ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [Workflow.ReminderWorkflow.Placeholders.AggregatesTableName] = settings.AggregatesTable,
            [Workflow.ReminderWorkflow.Placeholders.FromEmailAddress] = "reminders@eventpipeline.local",
        });
        var dynamo = new Uri(stack.Endpoints.DynamoDbEndpoint);
        await using var machine = new StepFunctions.Local.LocalStateMachine(
            definition,
            StepFunctions.Local.Integrations.ServiceIntegrations.Handlers(
                new StepFunctions.Local.Clients.DynamoDbJsonClient(dynamo, aws.Endpoints, aws.Http), notifications, notifications),
            new StepFunctions.Local.LocalStateMachineOptions { TimeScale = timeScale });
        // NOTE(local AWS endpoint): the real Step Functions client over the API, in this process.
        using var http = new HttpClient(new StepFunctions.Local.Api.StepFunctionsApiMessageHandler(new StepFunctions.Local.Api.StepFunctionsApi([machine])));
        using var stepFunctions = new StepFunctionsClient(aws.Endpoints with { StepFunctions = new Uri("http://states.in-process/") }, http);
        var function = Reminders.RemindersComposition.Create(
            stepFunctions,
            new Reminders.DynamoDbIdempotencyStore(aws.DynamoDb, settings.OperationsTable),
            new Reminders.RemindersOptions { StateMachineArn = machine.StateMachineArn });
        var response = await function.HandleAsync(Parse(eventJson, LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest), context, ct);
        if (response.StatusCode == 202 && response.Body is { } body)
        {
            using var doc = JsonDocument.Parse(body);
            var arn = doc.RootElement.GetProperty("executionArn").GetString()!;
            await logs.WriteLineAsync($"# waiting for {arn} (time scale {timeScale}); Ctrl-C stops it");
            var done = await machine.WaitForCompletionAsync(arn, ct);
            await logs.WriteLineAsync($"# execution {done.Status}{(done.Error is null ? "" : $": {done.Error}")}");
        }

        return Serialize(response, LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse);
    }

    private static T Parse<T>(string json, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new CliException("event: the file holds null, not an event object");
        }
        catch (JsonException ex)
        {
            throw new CliException($"event: not a valid {type.Type.Name} ({ex.Message})");
        }
    }

    private static string Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
}
