using System.Text;
using System.Text.Json;

namespace EventPipeline.Webhook.Tests;

/// <summary>A 202 means Ingest will apply the event: what Ingest would dead-letter, the webhook refuses with 400 naming the field and rule.</summary>
public sealed class WebhookAcceptanceTests
{
    public static TheoryData<string, string, string> IngestWouldReject => new()
    {
        { "attribute over 2,048 bytes", CloudEvent(data: $$"""{"note":"{{new string('n', 2049)}}"}"""), "attributes.note" },
        { "65 attributes", CloudEvent(data: "{" + string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"a{i}\":\"v\"")) + "}"), "attributes" },
        { "event id over 512 bytes", CloudEvent(id: new string('i', 600)), "eventId" },
        { "10,000-digit number", CloudEvent(data: $$"""{"big":{{new string('9', 10_000)}}}"""), "attributes.big" },
        { "entity id of 400 CJK characters", CloudEvent(subject: "doc/" + new string('\u4e00', 400)), "entity.id" },
    };

    [Theory]
    [MemberData(nameof(IngestWouldReject))]
    public async Task HandleAsync_EventIngestWouldDeadLetter_400NamingFieldAndRule_NothingWritten(string what, string body, string field)
    {
        var fixture = WebhookTestKit.Create();

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed("cloudevents", Encoding.UTF8.GetBytes(body), Headers)));

        Assert.True(response.StatusCode == 400, $"{what}: {response.StatusCode} {response.Body}");
        using var error = JsonDocument.Parse(response.Body!);
        Assert.Equal(field, error.RootElement.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("rule").GetString()));
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_SameEventWithinTheLimits_202()
    {
        var fixture = WebhookTestKit.Create();
        var body = CloudEvent(data: $$"""{"note":"{{new string('n', 2048)}}","big":12345}""", subject: "doc/" + new string('\u4e00', 341));

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed("cloudevents", Encoding.UTF8.GetBytes(body), Headers)));

        Assert.True(response.StatusCode == 202, $"{response.StatusCode} {response.Body}");
        Assert.Single(fixture.Stream.Records);
    }

    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/cloudevents+json" };

    private static string CloudEvent(string id = "e-1", string subject = "doc/1", string data = """{"status":"new"}""") =>
        $$"""{"specversion":"1.0","id":"{{id}}","source":"/crm","type":"doc.updated","subject":"{{subject}}","time":"2024-05-02T10:00:00Z","tenant":"{{WebhookTestKit.Tenant}}","data":{{data}}}""";
}
