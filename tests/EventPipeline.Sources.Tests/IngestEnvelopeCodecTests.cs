using System.Text;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Tests;

public sealed class IngestEnvelopeCodecTests
{
    private static readonly DateTimeOffset Arrived = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

    private static IngestEnvelope Decode(string json) => IngestEnvelopeCodec.Decode(Encoding.UTF8.GetBytes(json), Arrived);

    [Fact]
    public void Decode_EncodedEnvelope_RoundTrips()
    {
        var sent = new IngestEnvelope("acme", "github", new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567),
            new Dictionary<string, string> { ["x-github-event"] = "issues" }, "{\"a\":\"\\u00e9<b>\"}") { Url = "https://hooks.test/github" };

        var got = IngestEnvelopeCodec.Decode(IngestEnvelopeCodec.Encode(sent), Arrived);

        Assert.Equal((sent.Tenant, sent.Source, sent.ReceivedAt, sent.Body, sent.Url), (got.Tenant, got.Source, got.ReceivedAt, got.Body, got.Url));
        Assert.Equal(TimeSpan.Zero, got.ReceivedAt.Offset);
        Assert.Equal("issues", got.Header("X-GitHub-Event"));
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00.0000000Z", "2024-05-01T12:00:00.0000000+00:00")]
    [InlineData("2024-05-01T12:00:00Z", "2024-05-01T12:00:00.0000000+00:00")]
    [InlineData("2024-05-01T14:00:00.0000000+02:00", "2024-05-01T14:00:00.0000000+02:00")]
    [InlineData("2024-05-01T12:00:00", "2024-05-01T12:00:00.0000000+00:00")]
    [InlineData("2024-05-01T12:00:00.0000000\\u005A", "2024-05-01T12:00:00.0000000+00:00")]
    public void Decode_ReceivedAt_ReadsInstantAndOffset(string receivedAt, string expected)
    {
        var got = Decode($$"""{"tenant":"acme","source":"stripe","receivedAt":"{{receivedAt}}","body":"{}"}""");

        Assert.Equal(expected, got.ReceivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{"tenant":"acme","source":"stripe","receivedAt":"2024-02-30T12:00:00.0000000Z","body":"{}"}""", "receivedAt", "must be an ISO-8601 timestamp")]
    [InlineData("""{"tenant":"acme","source":"stripe","receivedAt":1,"body":"{}"}""", "receivedAt", "must be a string")]
    [InlineData("""{"tenant":"acme","source":"stripe","headers":{"X-Hook":1},"body":"{}"}""", "headers.X-Hook", "must be a string")]
    [InlineData("""{"tenant":"acme","source":"stripe","headers":[],"body":"{}"}""", "headers", "must be an object of strings")]
    [InlineData("""{"tenant":1,"source":"stripe","body":"{}"}""", "tenant", "must be a string")]
    [InlineData("""{"Tenant":"acme","source":"stripe","body":"{}"}""", "tenant", "required")]
    [InlineData("""{"tenant":"acme","body":"{}"}""", "source", "required (the source adapter's name)")]
    [InlineData("""{"tenant":"acme","source":"stripe"}""", "body", "required (the raw payload as a JSON string, or its UTF-8 bytes as bodyBase64)")]
    [InlineData("""[1]""", "record", "must be a JSON object (an ingest envelope or a structured CloudEvent)")]
    [InlineData("""{"tenant":"acme",""", "record", "must be valid JSON")]
    public void Decode_BadRecord_RejectedNamingFieldAndRule(string json, string field, string rule)
    {
        var rejection = Assert.Throws<RejectionException>(() => Decode(json)).Rejection;

        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public void Decode_EscapedPropertyNamesAndHeaderCase_ReadAsTheirText()
    {
        var got = Decode("""{"t\u0065nant":"acme","source":"stripe","headers":{"Stripe-Signature":"t=1"},"b\u006Fdy":"{}","extra":{"body":"no"}}""");

        Assert.Equal(("acme", "{}", "t=1"), (got.Tenant, got.Body, got.Headers["stripe-signature"]));
    }
}
