using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.SendGrid;

namespace EventPipeline.Sources.Tests.SendGrid;

public sealed class SendGridAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly SendGridAdapter adapter = new();
    private readonly SendGridSignature signature = new();

    public static TheoryData<string> Cases => new(Samples.For("sendgrid").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("sendgrid").Single(s => s.Name == name));

    [Theory]
    [InlineData("""{"event":"delivered"}""", "body", "must be a JSON array")]
    [InlineData("""[]""", "body", "must contain at least one event")]
    [InlineData("""[1]""", "[0]", "must be an object")]
    [InlineData("""[{"sg_event_id":"a","event":"open","timestamp":"1714644000","sg_message_id":"m"}]""", "[0].timestamp", "must be a Unix time in seconds")]
    [InlineData("""[{"sg_event_id":"a","event":"open","timestamp":1714644000}]""", "[0].sg_message_id", "required")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "sendgrid", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public async Task AdaptAsync_SameEventTwiceInOnePost_OneEvent()
    {
        var e = """{"sg_event_id":"a","event":"open","timestamp":1714644000,"sg_message_id":"m"}""";

        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "sendgrid", Now, new Dictionary<string, string>(), $"[{e},{e}]"), CancellationToken.None);

        Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
    }

    [Fact]
    public void Verify_PemKeys_SignAndVerifyRoundTrip()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes("[{\"event\":\"open\"}]");
        var headers = signature.Sign(body, "https://x", key.ExportPkcs8PrivateKeyPem(), Now);

        var result = signature.Verify(new WebhookRequest("POST", "https://x", new Dictionary<string, string>(headers), body), [key.ExportSubjectPublicKeyInfoPem()], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Fact]
    public void Verify_SignedIndependentlyOverTimestampThenBody_Valid()
    {
        // SendGrid: ECDSA P-256 with SHA-256 over timestamp + payload, DER signature in base64.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string timestamp = "1714643990";
        var sig = key.SignData(Encoding.UTF8.GetBytes(timestamp + "[]"), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var headers = new Dictionary<string, string>
        {
            ["x-twilio-email-event-webhook-signature"] = Convert.ToBase64String(sig),
            ["x-twilio-email-event-webhook-timestamp"] = timestamp,
        };

        var result = signature.Verify(new WebhookRequest("POST", "https://x", headers, "[]"u8.ToArray()), [Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Fact]
    public void Verify_GarbagePublicKey_ReasonSaysNoUsableKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = "[]"u8.ToArray();
        var headers = signature.Sign(body, "https://x", Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Now);

        var result = signature.Verify(new WebhookRequest("POST", "https://x", new Dictionary<string, string>(headers), body), ["bm90IGEga2V5", "%%%"], Now);

        Assert.Equal("no usable verification public key configured", result.Reason);
    }
}
