using System.Globalization;
using System.Text.Json.Nodes;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.Workflow;

namespace EventPipeline.StepFunctions.Local.Tests;

public class ReminderWorkflowExecutionTests
{
    [Fact]
    public async Task Run_EmailPreference_SendsOneEmailAndSucceeds()
    {
        await using var h = new TestHarness();

        var result = await h.RunAsync(TestHarness.Input("email"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var entry = Assert.Single(await h.Outbox.ReadAllAsync(default));
        Assert.Equal(OutboxChannels.Email, entry.Channel);
        Assert.Equal("ops@acme.test", entry.To);
        Assert.Equal("Reminder", entry.Subject);
        Assert.Equal("Renew the certificate", entry.Message);
        Assert.Equal(TestHarness.From, entry.From);
        Assert.Contains("WaitSeconds", result.EnteredStates);
        // SES knows no execution: the MessageId it answered, kept in the execution's output, ties the two together.
        Assert.Equal(JsonNode.Parse(result.Output!)!["sent"]!["email"]!["messageId"]!.GetValue<string>(), entry.MessageId);
    }

    [Fact]
    public async Task Run_SmsPreference_SendsOneSms()
    {
        await using var h = new TestHarness();

        var result = await h.RunAsync(TestHarness.Input("sms"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var entry = Assert.Single(await h.Outbox.ReadAllAsync(default));
        Assert.Equal(OutboxChannels.Sms, entry.Channel);
        Assert.Equal("+15555550100", entry.To);
        Assert.Null(entry.Subject);
    }

    [Fact]
    public async Task Run_BothPreference_SendsEmailAndSmsThroughParallel()
    {
        await using var h = new TestHarness();

        var result = await h.RunAsync(TestHarness.Input("both"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var channels = (await h.Outbox.ReadAllAsync(default)).Select(e => e.Channel).OrderBy(c => c);
        Assert.Equal([OutboxChannels.Email, OutboxChannels.Sms], channels);
        Assert.Contains("SendBoth", result.EnteredStates);
        var both = JsonNode.Parse(result.Output!)!["sent"]!["both"]!.AsArray();
        Assert.Equal(["email", "sms"], both.Select(b => b!["channel"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_ConditionNotMet_SucceedsWithoutNotifying()
    {
        await using var h = new TestHarness();
        h.Items.Put(TestHarness.Table, Item("open"));

        var result = await h.RunAsync(WithCondition(TestHarness.Input("email"), "closed"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Empty(await h.Outbox.ReadAllAsync(default));
        Assert.Contains("ConditionNotMet", result.EnteredStates);
        Assert.DoesNotContain("SendEmail", result.EnteredStates);
    }

    [Fact]
    public async Task Run_ConditionMet_Notifies()
    {
        await using var h = new TestHarness();
        h.Items.Put(TestHarness.Table, Item("open"));

        var result = await h.RunAsync(WithCondition(TestHarness.Input("email"), "open"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Single(await h.Outbox.ReadAllAsync(default));
        Assert.Contains("CheckCondition", result.EnteredStates);
        Assert.Contains("SendEmail", result.EnteredStates);
    }

    [Fact]
    public async Task Run_ConditionOnMissingEntity_SucceedsWithoutNotifying()
    {
        await using var h = new TestHarness();

        var result = await h.RunAsync(WithCondition(TestHarness.Input("sms"), "open"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Empty(await h.Outbox.ReadAllAsync(default));
        Assert.Contains("ConditionNotMet", result.EnteredStates);
    }

    [Fact]
    public async Task Run_InvalidPreference_FailsWithInvalidPreference()
    {
        await using var h = new TestHarness();

        var result = await h.RunAsync(TestHarness.Input("pigeon"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ReminderWorkflow.InvalidPreferenceError, result.Error);
        Assert.False(string.IsNullOrEmpty(result.Cause));
        Assert.Empty(await h.Outbox.ReadAllAsync(default));
    }

    [Fact]
    public async Task Run_EmailAlwaysFailing_RetriesThreeTimesThenFailsWithNotificationFailed()
    {
        FlakyHandler? flaky = null;
        await using var h = new TestHarness(wrapEmail: inner => flaky = new FlakyHandler(inner, int.MaxValue, "SesV2.TooManyRequestsException"));

        var result = await h.RunAsync(TestHarness.Input("email"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ReminderWorkflow.NotificationFailedError, result.Error);
        Assert.Contains("SesV2.TooManyRequestsException", result.Cause);
        Assert.Equal(4, result.AttemptsOf("SendEmail")); // first attempt + MaxAttempts 3
        Assert.Equal(4, flaky!.Calls);
        var recorded = result.History.Last(e => e.Type == "StateExited" && e.StateName == "RecordFailure");
        Assert.Equal("SesV2.TooManyRequestsException", JsonNode.Parse(recorded.Detail!)!["failure"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_EmailFailingTwice_SucceedsOnThirdAttempt()
    {
        await using var h = new TestHarness(wrapEmail: inner => new FlakyHandler(inner, 2, "SesV2.TooManyRequestsException"));

        var result = await h.RunAsync(TestHarness.Input("email"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(3, result.AttemptsOf("SendEmail"));
        Assert.Single(await h.Outbox.ReadAllAsync(default));
    }

    [Fact]
    public async Task Run_PermanentEmailError_IsNotRetried()
    {
        await using var h = new TestHarness(wrapEmail: inner => new FlakyHandler(inner, int.MaxValue, "SesV2.MessageRejectedException"));

        var result = await h.RunAsync(TestHarness.Input("email"));

        Assert.Equal(ReminderWorkflow.NotificationFailedError, result.Error);
        Assert.Equal(1, result.AttemptsOf("SendEmail"));
    }

    [Fact]
    public async Task Run_SmsBranchFailingInBoth_IsCaughtByParallel()
    {
        await using var h = new TestHarness(wrapSms: inner => new FlakyHandler(inner, int.MaxValue, "SNS.InvalidParameterException"));

        var result = await h.RunAsync(TestHarness.Input("both"));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ReminderWorkflow.NotificationFailedError, result.Error);
        Assert.Contains("SNS.InvalidParameterException", result.Cause);
        Assert.Contains("RecordFailure", result.EnteredStates);
    }

    [Fact]
    public async Task Run_WaitUntilTimestamp_UsesTimestampPathAndSends()
    {
        await using var h = new TestHarness();
        var input = TestHarness.Input("sms");
        input.Remove("waitSeconds");
        input["at"] = DateTimeOffset.UtcNow.AddSeconds(20).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var result = await h.RunAsync(input);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains("WaitUntil", result.EnteredStates);
        Assert.DoesNotContain("WaitSeconds", result.EnteredStates);
        Assert.Single(await h.Outbox.ReadAllAsync(default));
    }

    private static JsonObject Item(string status) => new()
    {
        ["pk"] = new JsonObject { ["S"] = "T#acme#E#ticket" },
        ["sk"] = new JsonObject { ["S"] = "T-1" },
        // The aggregates item's shape (AggregateItemMapper): entity attributes under attrs.{name}.v, stamped.
        ["attrs"] = new JsonObject
        {
            ["M"] = new JsonObject
            {
                ["status"] = Stamped(status),
                ["priority"] = Stamped("2"),
            },
        },
    };

    private static JsonObject Stamped(string value) => new()
    {
        ["M"] = new JsonObject
        {
            ["v"] = new JsonObject { ["S"] = value },
            ["t"] = new JsonObject { ["S"] = "2026-11-22T10:00:00Z" },
            ["s"] = new JsonObject { ["S"] = "github" },
            ["e"] = new JsonObject { ["S"] = "evt-1" },
        },
    };

    private static JsonObject WithCondition(JsonObject input, string equals)
    {
        input["entityKey"] = new JsonObject { ["pk"] = "T#acme#E#ticket", ["sk"] = "T-1" };
        input["condition"] = new JsonObject { ["attribute"] = "status", ["equals"] = equals };
        return input;
    }
}
