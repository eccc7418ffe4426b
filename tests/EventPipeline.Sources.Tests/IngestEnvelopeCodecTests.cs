using System.Runtime.InteropServices;
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
    [InlineData("""{"tenant":"acme","source":"stripe"}""", "body", "required (the raw payload as a JSON string, a JSON object or array as bodyJson, or its UTF-8 bytes as bodyBase64)")]
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

    private static IngestEnvelope Envelope(string body) => new("acme", "github", Arrived, new Dictionary<string, string>(), body);

    [Theory]
    [InlineData("{\"a\": [1, 2.50, {\"b\": \"\\u00e9\"}],\n  \"c\":null}")]
    [InlineData("[{\"x\":\"<b>café</b>\"}]")]
    [InlineData(" {\"a\":1}")] // the whitespace around it comes back too
    [InlineData("{\"a\":1}\r\n")]
    [InlineData("\n\t[1]\n")]
    public void Encode_JsonBody_EmbeddedAsItIsAndDecodedAsASliceOfTheRecord(string body)
    {
        var record = IngestEnvelopeCodec.Encode(Envelope(body));

        var got = IngestEnvelopeCodec.Decode(record, Arrived);

        Assert.Contains("\"bodyJson\":" + body, Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.Equal(body, got.Body); // byte-exact: whitespace, number forms and escapes as sent
        Assert.True(MemoryMarshal.TryGetArray(got.BodyUtf8, out var segment) && ReferenceEquals(segment.Array, record), "the body is not a slice of the record");
    }

    [Theory]
    [InlineData("{\"a\":1}{\"b\":2}")] // two values
    [InlineData("\uFEFF{\"a\":1}")] // a byte order mark
    [InlineData("{not json}")]
    [InlineData("\"just a string\"")]
    [InlineData("title=%3Cb%3E&x=1")]
    public void Encode_BodyThatIsNotOneBareJsonObjectOrArray_StaysAStringAndRoundTrips(string body)
    {
        var record = IngestEnvelopeCodec.Encode(Envelope(body));

        Assert.DoesNotContain("bodyJson", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.Equal(body, IngestEnvelopeCodec.Decode(record, Arrived).Body);
    }

    [Fact]
    public void Encode_JsonBodyDeeperThanTheDecoderReads_StaysAStringAndRoundTrips()
    {
        var body = new string('[', 64) + new string(']', 64);

        var record = IngestEnvelopeCodec.Encode(Envelope(body));

        Assert.DoesNotContain("bodyJson", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.Equal(body, IngestEnvelopeCodec.Decode(record, Arrived).Body);
    }

    [Theory]
    [InlineData("""{"tenant":"acme","source":"stripe","bodyJson":"text"}""")]
    [InlineData("""{"tenant":"acme","source":"stripe","bodyJson":42}""")]
    public void Decode_BodyJsonNotAnObjectOrArray_RejectedNamingTheField(string json)
    {
        var ex = Assert.Throws<RejectionException>(() => Decode(json));

        Assert.Equal(("bodyJson", "must be a JSON object or array"), (ex.Rejection.Field, ex.Rejection.Rule));
    }

    [Fact]
    public void Decode_EscapedStringBody_GivesItsUnescapedUtf8Bytes()
    {
        var got = Decode("""{"tenant":"acme","source":"stripe","body":"a\"b\u00e9\n"}""");

        Assert.Equal("a\"bé\n"u8.ToArray(), got.BodyUtf8.ToArray());
        Assert.Equal("a\"bé\n", got.Body);
    }

    [Fact]
    public void Equals_SameBodyAsTextOrAsBytes_IsEqual()
    {
        var headers = new Dictionary<string, string>();
        var text = new IngestEnvelope("acme", "github", Arrived, headers, "{\"a\":1}");
        var bytes = IngestEnvelope.OfUtf8("acme", "github", Arrived, headers, "{\"a\":1}"u8.ToArray());

        Assert.Equal(text, bytes);
        Assert.NotEqual(text, IngestEnvelope.OfUtf8("acme", "github", Arrived, headers, "{\"a\":2}"u8.ToArray()));
    }

    [Fact]
    public void Decode_BodyJsonWrittenByAnotherProducerWithSpaces_ReadsTheValue()
    {
        var got = Decode("""{ "tenant" : "acme", "source" : "stripe", "bodyJson" : { "a" : 1 } , "headers" : {} }""");

        Assert.Equal(""" { "a" : 1 } """, got.Body);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(got.BodyUtf8).RootElement.GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("""{"tenant":"acme","source":"stripe","bodyJson":{"a":1}}""")]
    [InlineData("""{"tenant":"acme","source":"stripe","body":"{\"a\":1}"}""")]
    [InlineData("""{"specversion":"1.0","tenant":"acme","id":"1","source":"/a","type":"t"}""")]
    [InlineData("""{"tenant":"acme","source":"stripe","body":""}""")]
    public void Read_AnyBodyForm_GivesWhatDecodeGives(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var decoded = IngestEnvelopeCodec.Decode(bytes, Arrived);

        using var record = IngestEnvelopeCodec.Read(bytes, Arrived);

        Assert.Equal((decoded.Tenant, decoded.Source, decoded.ReceivedAt, decoded.Body), (record.Envelope.Tenant, record.Envelope.Source, record.Envelope.ReceivedAt, record.Envelope.Body));
    }

    [Fact]
    public void Decode_EmptyStringBody_IsAnEmptyBody()
    {
        var got = Decode("""{"tenant":"acme","source":"stripe","body":""}""");

        Assert.Equal("", got.Body);
        Assert.True(got.BodyUtf8.IsEmpty);
    }

    [Fact]
    public void Read_BodyAfterBodyJson_TheLastBodyCounts()
    {
        var bytes = """{"tenant":"acme","source":"stripe","bodyJson":{"a":1},"body":"{\"b\":2}"}"""u8.ToArray();

        using var record = IngestEnvelopeCodec.Read(bytes, Arrived);

        Assert.Equal("""{"b":2}""", record.Envelope.Body);
    }
}
