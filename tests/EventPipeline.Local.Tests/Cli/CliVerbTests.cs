using System.CommandLine;
using System.Text.Json;
using EventPipeline.Local.Cli;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Cli;

/// <summary>The CLI verbs' actions in-process against the shared stack (handed over directly, not through endpoints.json).</summary>
[Collection(LocalStackCollection.Name)]
public sealed class CliVerbTests(LocalStackFixture fx)
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private Func<CliStack> Stack => () => CliStack.From(fx.Stack);

    [Fact]
    public async Task Send_GithubSample_Is202AndAggregateAppears()
    {
        var tenant = LocalStackFixture.NewTenant("c");

        var (exit, output, error) = await RunAsync(SendCommand.Create(Stack), "github", "issues-opened", "--tenant", tenant);

        Assert.True(exit == 0, error);
        Assert.StartsWith("202", output, StringComparison.Ordinal);
        var token = fx.Stack.IssueToken(tenant);
        var entity = await LocalStackFixture.EventuallyAsync<object>(
            async () => (await fx.GetAsync("aggregates/entities/issue/2313412001", token)) is { Status: 200 } r ? r.Body : null,
            "the sent issue's aggregate");
        Assert.Equal("open", ((JsonElement)entity).GetProperty("attributes").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Send_ThroughTheFilesUpWrites_SignsWithTheLocalSecret()
    {
        // What a person gets: endpoints.json and webhook-signing.json as the running stack wrote them.
        var root = Path.Combine(Path.GetTempPath(), "cli-files-" + Guid.NewGuid().ToString("N"));
        var dir = Directory.CreateDirectory(Path.Combine(root, ".eventpipeline")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "endpoints.json"), JsonSerializer.Serialize(fx.Stack.Endpoints, WebJson));
        File.Copy(Path.Combine(fx.Stack.RepoRoot, ".eventpipeline", "webhook-signing.json"), Path.Combine(dir, "webhook-signing.json"));
        try
        {
            Assert.Equal(fx.Stack.WebhookSecrets.Signing["github"], CliStack.Load(root).SigningSecrets["github"]);

            var (exit, output, error) = await RunAsync(
                SendCommand.Create(() => CliStack.Load(root)),
                "github",
                Path.Combine(fx.Stack.RepoRoot, "events", "sources", "github", "issues-opened.body"),
                "--tenant",
                LocalStackFixture.NewTenant("c"));

            Assert.True(exit == 0, error);
            Assert.StartsWith("202", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Send_GraphSample_PutsSecretInClientStateAndIsAccepted()
    {
        var (exit, output, error) = await RunAsync(SendCommand.Create(Stack), "graph", "message-created", "--tenant", LocalStackFixture.NewTenant("c"));

        Assert.True(exit == 0, error);
        Assert.StartsWith("202", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github", "no-such-case", "file:")]
    [InlineData("nosuchsource", "x", "file:")]
    public async Task Send_BadInput_ExitsNonZeroWithOneLine(string source, string file, string field)
    {
        var (exit, output, error) = await RunAsync(SendCommand.Create(Stack), source, file);

        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + field, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NoRunningStack_ExitsNonZeroNamingTheEndpointsFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-stack-" + Guid.NewGuid().ToString("N"));

        var (exit, _, error) = await RunAsync(SendCommand.Create(() => CliStack.Load(missing)), "github", "issues-opened");

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("endpoints.json: not found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_EndpointsOfAStackThatStopped_ExitsOneSayingTheStackDoesNotAnswer()
    {
        var dead = EventPipeline.Local.Emulators.LocalPorts.LoopbackUrl(EventPipeline.Local.Emulators.LocalPorts.PickFree()).ToString().TrimEnd('/');
        var stopped = fx.Stack.Endpoints with
        {
            AwsEndpoint = dead, KinesisEndpoint = dead, DynamoDbEndpoint = dead, MotoEndpoint = dead,
            RestUrl = dead + "/", WebhookUrl = dead + "/", DashboardUrl = dead + "/", WebSocketUrl = dead.Replace("http", "ws", StringComparison.Ordinal) + "/",
        };

        var (exit, _, error) = await RunAsync(LoadCommand.Create(() => stopped), "--duration", "1", "--tenants", "1");

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the stack does not answer", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_SourceFolder_SendsEverySample()
    {
        var samples = Directory.GetFiles(Path.Combine(fx.Stack.RepoRoot, "events", "sources", "jira"), "*.body").Length;

        var (exit, output, error) = await RunAsync(ReplayCommand.Create(Stack), "jira", "--tenant", LocalStackFixture.NewTenant("c"));

        Assert.True(exit == 0, error);
        Assert.Contains($"replayed {samples} samples", output, StringComparison.Ordinal);
        Assert.Equal(samples, output.Split('\n').Count(l => l.StartsWith('[')));
    }

    [Fact]
    public async Task Tail_EntityChannel_PrintsThePush()
    {
        var tenant = LocalStackFixture.NewTenant("c");
        var writer = new StringWriter();
        var output = TextWriter.Synchronized(writer);
        var tail = TailCommand.Create(Stack).Parse(["entity/order/77", "--tenant", tenant, "--count", "1"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        await LocalStackFixture.EventuallyAsync(() => Task.FromResult(writer.ToString().Contains("# subscribed", StringComparison.Ordinal) ? "yes" : null), "tail subscribed");

        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:order/77", LocalStackFixture.CloudEvent(tenant, "tail-1", "order/77"), CancellationToken.None);

        Assert.Equal(0, await tail.WaitAsync(TimeSpan.FromSeconds(30)));
        var change = writer.ToString().Split('\n').Single(l => l.StartsWith('{'));
        using var doc = JsonDocument.Parse(change);
        Assert.Equal("change", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("entity/order/77", doc.RootElement.GetProperty("channel").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Tail_BadChannel_ExitsNonZeroWithOneLine()
    {
        var (exit, _, error) = await RunAsync(TailCommand.Create(Stack), "nope/x");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: channel:", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_QueryWithHttpApiSample_PrintsResponseJson()
    {
        var (exit, output, error) = await RunAsync(InvokeCommand.Create(Stack), "query", Path.Combine(fx.Stack.RepoRoot, "events", "aws", "http-api-v2-request.json"));

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("statusCode").GetInt32() is >= 200 and < 500);
        Assert.True(doc.RootElement.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task Invoke_IngestWithKinesisSample_PrintsBatchResponse()
    {
        var (exit, output, error) = await RunAsync(InvokeCommand.Create(Stack), "ingest", Path.Combine(fx.Stack.RepoRoot, "events", "aws", "kinesis-event.json"));

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("batchItemFailures").ValueKind);
    }

    [Fact]
    public async Task Invoke_RemindersEvent_RunsTheWorkflowIntoTheStacksOutbox()
    {
        var message = "cli invoke " + Guid.NewGuid().ToString("N");
        var body = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($$"""{"waitSeconds":20,"preference":"sms","message":"{{message}}","phone":"+15550123"}"""));
        var eventFile = Path.Combine(Path.GetTempPath(), $"reminder-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(eventFile, $$$"""
            {"version":"2.0","routeKey":"POST /reminders","rawPath":"/reminders","rawQueryString":"","headers":{"content-type":"application/json"},
             "isBase64Encoded":true,"body":"{{{body}}}",
             "requestContext":{"accountId":"000000000000","apiId":"local","routeKey":"POST /reminders","stage":"$default","requestId":"r1","timeEpoch":0,
               "http":{"method":"POST","path":"/reminders","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"test"},
               "authorizer":{"jwt":{"claims":{"tenant":"{{{LocalStackFixture.NewTenant("c")}}}"},"scopes":[]} } } }
            """);
        try
        {
            // The function starts the execution on the stack's Step Functions (through the local AWS endpoint, IAM-checked);
            // the stack's interpreter runs it at the fixture's time scale and SNS (moto) records the SMS.
            var (exit, output, error) = await RunAsync(InvokeCommand.Create(Stack), "reminders", eventFile);

            Assert.True(exit == 0, error);
            using var doc = JsonDocument.Parse(output);
            Assert.Equal(202, doc.RootElement.GetProperty("statusCode").GetInt32());
            var sent = await LocalStackFixture.EventuallyAsync(
                async () => (await fx.Stack.Outbox.ReadAllAsync(CancellationToken.None)).FirstOrDefault(e => e.Message == message),
                "the reminder SMS in moto's SNS");
            Assert.Equal("+15550123", sent.To);
        }
        finally
        {
            File.Delete(eventFile);
        }
    }

    [Fact]
    public async Task Invoke_MissingEventFile_ExitsNonZeroWithOneLine()
    {
        var (exit, _, error) = await RunAsync(InvokeCommand.Create(Stack), "query", "/nonexistent/event.json");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: event:", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outbox_AfterReminder_PrintsNotificationLine()
    {
        var tenant = LocalStackFixture.NewTenant("c");
        var message = "cli outbox " + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "reminders")
        {
            Content = new StringContent($$"""{"waitSeconds":5,"preference":"email","message":"{{message}}","email":"cli@example.com"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", fx.Stack.IssueToken(tenant));
        using var response = await fx.Http.SendAsync(request);
        Assert.Equal(202, (int)response.StatusCode);
        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.Stack.Outbox.ReadAllAsync(CancellationToken.None)).Any(e => e.Message == message) ? "sent" : null, "the notification");

        var (exit, output, error) = await RunAsync(OutboxCommand.Create(Stack));

        Assert.True(exit == 0, error);
        var line = Assert.Single(output.Split('\n'), l => l.Contains(message, StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("email", doc.RootElement.GetProperty("channel").GetString());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Command command, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await command.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
