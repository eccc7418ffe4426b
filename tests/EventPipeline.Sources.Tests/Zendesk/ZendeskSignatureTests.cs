using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Zendesk;

namespace EventPipeline.Sources.Tests.Zendesk;

/// <summary><see cref="ZendeskSignature"/> against independently computed HMACs over timestamp then body.</summary>
public sealed class ZendeskSignatureTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly ZendeskSignature signature = new();

    [Fact]
    public void Verify_ComputedIndependently_TimestampThenBody()
    {
        // Zendesk documents base64(HMAC-SHA256(TIMESTAMP + BODY)).
        const string timestamp = "2024-05-02T09:59:30Z";
        var body = "{\"say\":\"hello\"}"u8.ToArray();
        var mac = HMACSHA256.HashData("zsecret"u8, Encoding.UTF8.GetBytes(timestamp + "{\"say\":\"hello\"}"));
        var request = Request(body, Convert.ToBase64String(mac), timestamp);

        Assert.True(signature.Verify(request, ["zsecret"], Now).Ok);
    }

    [Fact]
    public void Verify_BodyThenTimestampOrder_SignatureMismatch()
    {
        const string timestamp = "2024-05-02T09:59:30Z";
        var mac = HMACSHA256.HashData("zsecret"u8, Encoding.UTF8.GetBytes("{}" + timestamp));

        Assert.Equal("signature mismatch", signature.Verify(Request("{}"u8.ToArray(), Convert.ToBase64String(mac), timestamp), ["zsecret"], Now).Reason);
    }

    [Fact]
    public void Verify_MissingTimestampHeader_ReasonNamesIt()
    {
        var request = new WebhookRequest("POST", "https://x", new Dictionary<string, string> { ["x-zendesk-webhook-signature"] = "AAAA" }, "{}"u8.ToArray());

        Assert.Equal("missing X-Zendesk-Webhook-Signature-Timestamp header", signature.Verify(request, ["k"], Now).Reason);
    }

    private static WebhookRequest Request(byte[] body, string sig, string timestamp) =>
        new("POST", "https://x", new Dictionary<string, string> { ["x-zendesk-webhook-signature"] = sig, ["x-zendesk-webhook-signature-timestamp"] = timestamp }, body);
}
