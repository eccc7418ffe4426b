using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.StepFunctions.Local.Outbox;

namespace EventPipeline.Local.Tests.Reminders;

/// <summary>POST /reminders on the shared stack → the local workflow (time scale 0.001) → the outbox.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ReminderEndToEndTests(LocalStackFixture fx)
{
    [Theory]
    [InlineData("email", new[] { "email" })]
    [InlineData("sms", new[] { "sms" })]
    [InlineData("both", new[] { "email", "sms" })]
    public async Task PostReminder_Preference_NotificationsLandInOutbox(string preference, string[] channels)
    {
        var tenant = LocalStackFixture.NewTenant("r");
        var message = $"call back {Guid.NewGuid():N}";
        var (status, body) = await PostAsync(tenant, $$"""{"waitSeconds":60,"preference":"{{preference}}","message":"{{message}}","email":"ops@example.com","phone":"+15550100"}""");

        Assert.Equal(202, status);
        Assert.StartsWith("arn:", body.GetProperty("executionArn").GetString(), StringComparison.Ordinal);
        var sent = await WaitForOutboxAsync(message, channels.Length);
        Assert.Equal(channels, sent.Select(e => e.Channel).Order(StringComparer.Ordinal));
        Assert.All(sent, e => Assert.Equal(e.Channel == "email" ? "ops@example.com" : "+15550100", e.To));
    }

    [Fact]
    public async Task PostReminder_ConditionOnEntityAttribute_SendsOnlyWhenItHolds()
    {
        var tenant = LocalStackFixture.NewTenant("r");
        var token = fx.Stack.IssueToken(tenant);
        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:ticket/9",
            LocalStackFixture.CloudEvent(tenant, "rem-1", "ticket/9", data: """{"status":"open"}"""), CancellationToken.None);
        await LocalStackFixture.EventuallyAsync(
            async () => (await fx.GetAsync("aggregates/entities/ticket/9", token)).Status == 200 ? "ok" : null, "the entity");

        var met = $"still open {Guid.NewGuid():N}";
        var notMet = $"closed already {Guid.NewGuid():N}";
        var (s1, b1) = await PostAsync(tenant, Conditional(met, "open"));
        var (s2, b2) = await PostAsync(tenant, Conditional(notMet, "closed"));
        Assert.Equal(202, s1);
        Assert.Equal(202, s2);

        var done1 = await fx.Stack.StateMachine.WaitForCompletionAsync(b1.GetProperty("executionArn").GetString()!, CancellationToken.None);
        var done2 = await fx.Stack.StateMachine.WaitForCompletionAsync(b2.GetProperty("executionArn").GetString()!, CancellationToken.None);
        Assert.Equal("SUCCEEDED", done1.Status);
        Assert.Equal("SUCCEEDED", done2.Status);
        Assert.Single(await WaitForOutboxAsync(met, 1));
        Assert.DoesNotContain(await fx.Stack.Outbox.ReadAllAsync(CancellationToken.None), e => e.Message.Contains(notMet, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostReminder_InvalidFields_Is400ListingEachField()
    {
        var (status, body) = await PostAsync(LocalStackFixture.NewTenant("r"), """{"preference":"pigeon","message":""}""");

        Assert.Equal(400, status);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("preference", fields);
        Assert.Contains("message", fields);
        Assert.True(fields.Count >= 3, string.Join(",", fields));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("rule").GetString())));
    }

    private static string Conditional(string message, string equals) =>
        $$$"""{"waitSeconds":30,"preference":"email","message":"{{{message}}}","email":"ops@example.com","entity":{"kind":"ticket","id":"9"},"condition":{"attribute":"status","equals":"{{{equals}}}"}}""";

    private async Task<(int Status, JsonElement Body)> PostAsync(string tenant, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "reminders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Stack.IssueToken(tenant));
        using var response = await fx.Http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    private async Task<List<OutboxEntry>> WaitForOutboxAsync(string message, int count) =>
        await LocalStackFixture.EventuallyAsync(
            async () =>
            {
                var mine = (await fx.Stack.Outbox.ReadAllAsync(CancellationToken.None)).Where(e => e.Message.Contains(message, StringComparison.Ordinal)).ToList();
                return mine.Count >= count ? mine : null;
            },
            $"{count} notification(s) for '{message}'");
}
