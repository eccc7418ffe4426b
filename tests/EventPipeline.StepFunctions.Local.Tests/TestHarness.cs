using System.Text.Json.Nodes;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.StepFunctions.Local.Tests.Support;
using EventPipeline.Workflow;

namespace EventPipeline.StepFunctions.Local.Tests;

/// <summary>The reminder definition on the local executor with in-memory SES, SNS and DynamoDB, time scaled 1:1000.</summary>
internal sealed class TestHarness : IAsyncDisposable
{
    public const string Table = "aggregates-test";
    public const string From = "reminders@example.com";

    public TestHarness(Func<ITaskHandler, ITaskHandler>? wrapEmail = null, Func<ITaskHandler, ITaskHandler>? wrapSms = null)
    {
        var definition = ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [ReminderWorkflow.Placeholders.AggregatesTableName] = Table,
            [ReminderWorkflow.Placeholders.FromEmailAddress] = From,
        });
        Items.CreateTable(Table);
        var handlers = new Dictionary<string, ITaskHandler>(ServiceIntegrations.Handlers(Items, Outbox, Outbox));
        handlers[ReminderWorkflow.Resources.SesV2SendEmail] = wrapEmail?.Invoke(handlers[ReminderWorkflow.Resources.SesV2SendEmail]) ?? handlers[ReminderWorkflow.Resources.SesV2SendEmail];
        handlers[ReminderWorkflow.Resources.SnsPublish] = wrapSms?.Invoke(handlers[ReminderWorkflow.Resources.SnsPublish]) ?? handlers[ReminderWorkflow.Resources.SnsPublish];
        Machine = new LocalStateMachine(definition, handlers, new LocalStateMachineOptions { TimeScale = 0.001 });
    }

    public InMemoryNotifications Outbox { get; } = new();

    public InMemoryDynamoDb Items { get; } = new();

    public LocalStateMachine Machine { get; }

    public async Task<ExecutionDescription> RunAsync(JsonObject input, string? name = null)
    {
        var start = Machine.StartExecution(name, input.ToJsonString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Machine.WaitForCompletionAsync(start.ExecutionArn, timeout.Token);
    }

    public static JsonObject Input(string preference, int waitSeconds = 60) => new()
    {
        ["tenant"] = "acme",
        ["preference"] = preference,
        ["message"] = "Renew the certificate",
        ["email"] = "ops@acme.test",
        ["phone"] = "+15555550100",
        ["waitSeconds"] = waitSeconds,
    };

    public ValueTask DisposeAsync() => Machine.DisposeAsync();
}

/// <summary>Fails the first <paramref name="failures"/> attempts with <paramref name="error"/>, then delegates.</summary>
internal sealed class FlakyHandler(ITaskHandler inner, int failures, string error) : ITaskHandler
{
    private int _calls;

    public int Calls => _calls;

    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        => Interlocked.Increment(ref _calls) <= failures
            ? throw new StatesErrorException(error, "simulated outage")
            : inner.InvokeAsync(invocation, cancellationToken);
}
