using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Twilio;

namespace EventPipeline.Sources.Tests.Twilio;

/// <summary><see cref="TwilioSignature"/> against an independently computed HMAC over the URL and sorted parameters.</summary>
public sealed class TwilioSignatureTests
{
    private const string Url = "https://hooks.example.com/webhooks/acme/twilio";
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TwilioSignature signature = new();

    [Fact]
    public void Verify_ComputedIndependently_UrlThenSortedDecodedParameters()
    {
        // Twilio documents: URL + each POST parameter name and (decoded) value, sorted by name, HMAC-SHA1, base64.
        var body = Encoding.UTF8.GetBytes("To=%2B1555&MessageStatus=sent&Body=hi+there%21&MessageSid=SM1");
        var data = Url + "Bodyhi there!" + "MessageSidSM1" + "MessageStatussent" + "To+1555";
#pragma warning disable CA5350 // Twilio's documented algorithm.
        var expected = Convert.ToBase64String(HMACSHA1.HashData("authtoken"u8, Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
        var request = new WebhookRequest("POST", Url, new Dictionary<string, string> { ["x-twilio-signature"] = expected }, body);

        Assert.True(signature.Verify(request, ["authtoken"], Now).Ok);
    }

    [Fact]
    public void Verify_DifferentUrl_SignatureMismatch()
    {
        var body = "MessageSid=SM1&MessageStatus=sent"u8.ToArray();
        var headers = signature.Sign(body, Url, "authtoken", Now);
        var request = new WebhookRequest("POST", Url + "?x=1", new Dictionary<string, string>(headers), body);

        Assert.Equal("signature mismatch", signature.Verify(request, ["authtoken"], Now).Reason);
    }

    [Fact]
    public void Verify_NoUrl_ReasonSaysUrlUnknown()
    {
        var body = "MessageSid=SM1&MessageStatus=sent"u8.ToArray();
        var request = new WebhookRequest("POST", "", new Dictionary<string, string>(signature.Sign(body, Url, "t", Now)), body);

        Assert.Equal("request URL unknown: Twilio signs the URL", signature.Verify(request, ["t"], Now).Reason);
    }
}
