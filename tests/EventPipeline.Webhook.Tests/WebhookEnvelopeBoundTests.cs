using System.Text;
using EventPipeline.Application.Webhooks;
using EventPipeline.Domain;
using EventPipeline.Sources;
using EventPipeline.Sources.Tests;

namespace EventPipeline.Webhook.Tests;

/// <summary>
/// Every body the webhook accepts fits one Kinesis record, whatever its characters; a body over the limit is refused
/// with 413 naming it, never a permanent 503.
/// </summary>
public sealed class WebhookEnvelopeBoundTests
{
    /// <summary>Text units whose JSON escaping inflates the most, each written raw into a valid JSON string.</summary>
    public static TheoryData<string> EscapingHeavyUnits => new()
    {
        "<",        // the default encoder writes \u003C: 6×
        "é",        // 2 bytes, \u00E9 by default: 3×
        "\\\"",     // an escaped quote: both bytes escape again
        "\\u0001",  // an escaped control character
        "一",       // 3 bytes, \u4E00 by default: 2×
        "😀",       // 4 bytes, a surrogate pair by default: 3×
    };

    [Theory]
    [MemberData(nameof(EscapingHeavyUnits))]
    public async Task HandleAsync_BodyAtTheLimitOfEscapingHeavyText_202_RecordFitsAndCarriesTheExactBody(string unit)
    {
        var body = GitHubBodyOfSize(WebhookLimits.MaxBodyBytes, unit);
        var fixture = WebhookTestKit.Create();

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed("github", body, GitHubHeaders)));

        Assert.True(response.StatusCode == 202, $"{response.StatusCode}: {response.Body}");
        var record = Assert.Single(fixture.Stream.Records);
        Assert.True(record.Data.Length + Encoding.UTF8.GetByteCount(record.PartitionKey) <= IngestEnvelopeCodec.MaxRecordBytes);
        Assert.Equal(Encoding.UTF8.GetString(body), IngestEnvelopeCodec.Decode(record.Data, WebhookTestKit.Now).Body);
    }

    [Fact]
    public async Task HandleAsync_BodyOneByteOverTheLimit_413NamingTheLimit()
    {
        var fixture = WebhookTestKit.Create();

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed("github", GitHubBodyOfSize(WebhookLimits.MaxBodyBytes + 1, "a"), GitHubHeaders)));

        Assert.Equal(413, response.StatusCode);
        Assert.Contains($"must be at most {WebhookLimits.MaxBodyBytes} bytes", response.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.Stream.Records);
    }

    [Theory]
    [InlineData('\u0001')] // 6× as a JSON string: forces base64
    [InlineData('"')]
    [InlineData('<')]
    [InlineData('\\')]
    public void Encode_WorstCaseEnvelope_FitsARecordWithTheLongestPartitionKey(char fill)
    {
        // The largest body, the longest tenant and source, and a URL and headers that use all of API Gateway's
        // 10,240 bytes for the request line and header values with characters that escape to 2 bytes.
        var headerValue = new string('"', WebhookLimits.MaxRequestLineAndHeaderBytes / 2);
        var envelope = new IngestEnvelope(
            new string('t', 64),
            new string('s', 128),
            WebhookTestKit.Now,
            new Dictionary<string, string> { ["x-a"] = headerValue, ["x-b"] = headerValue[..^100] },
            new string(fill, WebhookLimits.MaxBodyBytes))
        {
            Url = "https://hooks.example.com/webhooks/" + new string('"', 50),
        };

        var room = IngestEnvelopeCodec.MaxRecordBytes - WebhookLimits.MaxPartitionKeyBytes;
        var record = IngestEnvelopeCodec.Encode(envelope, room);

        Assert.True(record.Length <= room, $"{record.Length} > {room}");
        var decoded = IngestEnvelopeCodec.Decode(record, WebhookTestKit.Now);
        Assert.Equal(envelope.Body, decoded.Body);
        Assert.Equal(headerValue, decoded.Headers["x-a"]);
    }

    [Fact]
    public void Encode_OrdinaryTextBody_StaysAReadableJsonString()
    {
        var envelope = new IngestEnvelope("acme", "twilio", WebhookTestKit.Now, new Dictionary<string, string>(), "Body=\"<b>café</b>\"");

        var json = Encoding.UTF8.GetString(IngestEnvelopeCodec.Encode(envelope));

        Assert.Contains("""
            "body":"Body=\"<b>café</b>\""
            """, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_JsonBody_EmbeddedUnescaped()
    {
        var envelope = new IngestEnvelope("acme", "github", WebhookTestKit.Now, new Dictionary<string, string>(), """{"title":"<b>café</b>"}""");

        var json = Encoding.UTF8.GetString(IngestEnvelopeCodec.Encode(envelope));

        Assert.Contains("""
            "bodyJson":{"title":"<b>café</b>"}
            """, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_BodyBase64ThatIsNotUtf8_RejectedNamingTheField()
    {
        var record = Encoding.UTF8.GetBytes("""{"tenant":"acme","source":"github","bodyBase64":"/w=="}""");

        var ex = Assert.Throws<RejectionException>(() => IngestEnvelopeCodec.Decode(record, WebhookTestKit.Now));

        Assert.Equal("bodyBase64", ex.Rejection.Field);
    }

    private static readonly Dictionary<string, string> GitHubHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["X-GitHub-Event"] = "issues",
        ["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        ["Content-Type"] = "application/json",
    };

    /// <summary>The GitHub issues sample with a <c>padding</c> field the adapter ignores, filled with <paramref name="unit"/> to exactly <paramref name="bytes"/>.</summary>
    private static byte[] GitHubBodyOfSize(int bytes, string unit)
    {
        var sample = Encoding.UTF8.GetString(Samples.For("github").First(s => s.Name == "issues-opened").Body).Trim();
        var head = "{\"padding\":\"";
        var tail = "\"," + sample[1..];
        var room = bytes - Encoding.UTF8.GetByteCount(head) - Encoding.UTF8.GetByteCount(tail);
        var unitBytes = Encoding.UTF8.GetByteCount(unit);
        var padding = new StringBuilder();
        padding.Insert(0, unit, room / unitBytes);
        padding.Append('a', room % unitBytes);
        var body = Encoding.UTF8.GetBytes(head + padding + tail);
        Assert.Equal(bytes, body.Length);
        return body;
    }
}
