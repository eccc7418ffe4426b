using System.Text.Json.Nodes;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.StepFunctions.Local.Tests.Support;
using EventPipeline.Workflow;

namespace EventPipeline.StepFunctions.Local.Tests.Integrations;

/// <summary>
/// The reminder definition on our interpreter with its task integrations calling real wire protocols: moto's
/// DynamoDB (the condition check), SES v2 and SNS, read back through <see cref="MotoOutbox"/>.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ReminderWorkflowOverWireTests(MotoServer moto)
{
    [MotoFact]
    public async Task Run_Email_MotoSesHasTheEmailWithTheExecutionsMessageId()
    {
        await using var run = await WireRun.StartAsync(moto);
        var input = TestHarness.Input("email");
        input["message"] = $"renew {Guid.NewGuid():N}";

        var result = await run.RunAsync(input);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var messageId = JsonNode.Parse(result.Output!)!["sent"]!["email"]!["messageId"]!.GetValue<string>();
        var email = Assert.Single(await run.SentAsync(), e => e.MessageId == messageId);
        Assert.Equal((OutboxChannels.Email, "ops@acme.test", "Reminder", input["message"]!.GetValue<string>(), run.From), (email.Channel, email.To, email.Subject, email.Message, email.From));
    }

    [MotoFact]
    public async Task Run_Both_MotoHasOneEmailAndOneSms()
    {
        await using var run = await WireRun.StartAsync(moto);
        var input = TestHarness.Input("both");
        var text = $"both {Guid.NewGuid():N}";
        input["message"] = text;

        var result = await run.RunAsync(input);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var mine = (await run.SentAsync()).Where(e => e.Message == text).ToList();
        Assert.Equal([OutboxChannels.Email, OutboxChannels.Sms], mine.Select(e => e.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("+15555550100", mine.Single(e => e.Channel == OutboxChannels.Sms).To);
    }

    [MotoFact]
    public async Task Run_ConditionMetInMotoDynamoDb_Notifies()
    {
        await using var run = await WireRun.StartAsync(moto);
        await MotoTables.PutEntityAsync(run.Clients.DynamoDb, run.Table, "status", "open");
        var text = $"still open {Guid.NewGuid():N}";

        var result = await run.RunAsync(WithCondition(TestHarness.Input("sms"), "open", text));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains("ChoosePreference", result.EnteredStates);
        Assert.Single(await run.SentAsync(), e => e.Message == text);
    }

    [MotoFact]
    public async Task Run_ConditionNotMetInMotoDynamoDb_SucceedsWithoutNotifying()
    {
        await using var run = await WireRun.StartAsync(moto);
        await MotoTables.PutEntityAsync(run.Clients.DynamoDb, run.Table, "status", "open");
        var text = $"closed already {Guid.NewGuid():N}";

        var result = await run.RunAsync(WithCondition(TestHarness.Input("sms"), "closed", text));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains("ConditionNotMet", result.EnteredStates);
        Assert.DoesNotContain(await run.SentAsync(), e => e.Message == text);
    }

    [MotoFact]
    public async Task Run_ConditionOnEntityMotoDoesNotHave_SucceedsWithoutNotifying()
    {
        await using var run = await WireRun.StartAsync(moto);
        var text = $"no entity {Guid.NewGuid():N}";

        var result = await run.RunAsync(WithCondition(TestHarness.Input("sms"), "open", text));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains("ConditionNotMet", result.EnteredStates);
        Assert.DoesNotContain(await run.SentAsync(), e => e.Message == text);
    }

    [MotoFact]
    public async Task Run_SenderNotVerifiedInMoto_FailsWithNotificationFailedWithoutRetrying()
    {
        await using var run = await WireRun.StartAsync(moto, verifySender: false);

        var result = await run.RunAsync(TestHarness.Input("email"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ReminderWorkflow.NotificationFailedError, result.Error);
        Assert.StartsWith("SesV2.MessageRejectedException: ", result.Cause, StringComparison.Ordinal);
        Assert.Equal(1, result.AttemptsOf("SendEmail"));
    }

    [MotoFact]
    public async Task Run_TableMissingInMoto_FailsWithNotificationFailedWithoutRetrying()
    {
        await using var run = await WireRun.StartAsync(moto, table: $"missing-{Guid.NewGuid():N}");

        var result = await run.RunAsync(WithCondition(TestHarness.Input("sms"), "open", "x"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ReminderWorkflow.NotificationFailedError, result.Error);
        Assert.Contains("ResourceNotFoundException", result.Cause, StringComparison.Ordinal);
    }

    private static JsonObject WithCondition(JsonObject input, string equals, string message)
    {
        input["message"] = message;
        input["entityKey"] = new JsonObject { ["pk"] = "T#acme#E#ticket", ["sk"] = "T-1" };
        input["condition"] = new JsonObject { ["attribute"] = "status", ["equals"] = equals };
        return input;
    }

    /// <summary>The definition rendered for a fresh table and sender, on wire clients pointed at moto.</summary>
    private sealed class WireRun : IAsyncDisposable
    {
        private readonly MotoServer _moto;

        private WireRun(MotoServer moto, string table, string from)
        {
            _moto = moto;
            Table = table;
            From = from;
            Clients = new ServiceIntegrationClients(moto.IntegrationEndpoints, moto.Http);
            Machine = new LocalStateMachine(
                ReminderWorkflow.Render(new Dictionary<string, string>
                {
                    [ReminderWorkflow.Placeholders.AggregatesTableName] = table,
                    [ReminderWorkflow.Placeholders.FromEmailAddress] = from,
                }),
                ServiceIntegrations.Handlers(Clients),
                new LocalStateMachineOptions { TimeScale = 0.001 });
        }

        public string Table { get; }

        public string From { get; }

        public ServiceIntegrationClients Clients { get; }

        public LocalStateMachine Machine { get; }

        public static async Task<WireRun> StartAsync(MotoServer moto, bool verifySender = true, string? table = null)
        {
            if (table is null)
            {
                using var dynamo = new DynamoDbJsonClient(moto.Endpoint, MotoServer.ClientConfig, moto.Http);
                table = await MotoTables.CreateAggregatesAsync(dynamo);
            }

            var run = new WireRun(moto, table, $"reminders-{Guid.NewGuid():N}@example.com");
            if (verifySender)
            {
                await run.Clients.SesV2.CreateEmailIdentityAsync(run.From, CancellationToken.None);
            }

            return run;
        }

        public async Task<ExecutionDescription> RunAsync(JsonObject input)
        {
            var start = Machine.StartExecution(null, input.ToJsonString());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await Machine.WaitForCompletionAsync(start.ExecutionArn, timeout.Token);
        }

        public Task<IReadOnlyList<OutboxEntry>> SentAsync() => new MotoOutbox(_moto.Endpoint, _moto.Http).ReadAllAsync(CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Machine.DisposeAsync();
            Clients.Dispose();
        }
    }
}
