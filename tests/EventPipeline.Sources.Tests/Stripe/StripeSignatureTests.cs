using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Stripe;

namespace EventPipeline.Sources.Tests.Stripe;

/// <summary><see cref="StripeSignature"/> against independently computed HMACs, several <c>v1</c> values and its malformed-header reasons.</summary>
public sealed class StripeSignatureTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly StripeSignature signature = new();

    [Fact]
    public void Verify_SeveralV1OneMatching_Valid()
    {
        var body = "{\"id\":\"evt_1\"}"u8.ToArray();
        var t = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var good = Convert.ToHexStringLower(HMACSHA256.HashData("whsec_new"u8, Encoding.UTF8.GetBytes(t + ".{\"id\":\"evt_1\"}")));
        var header = $"t={t},v1={new string('0', 64)},v0=ignored,v1={good}";

        var result = signature.Verify(Request(body, header), ["whsec_new"], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Fact]
    public void Verify_ComputedIndependently_MatchesDocumentedScheme()
    {
        // Stripe: hex HMAC-SHA256 of "{t}.{body}" keyed by the whole endpoint secret.
        var body = "{\"a\":1}"u8.ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("whsec_abc"u8, "1714644000.{\"a\":1}"u8));

        var header = signature.Sign(body, "https://x", "whsec_abc", DateTimeOffset.FromUnixTimeSeconds(1714644000))["Stripe-Signature"];

        Assert.Equal($"t=1714644000,v1={expected}", header);
    }

    [Theory]
    [InlineData("v1=abcd", "malformed Stripe-Signature header: one t=<unix seconds> required")]
    [InlineData("t=1714644000", "malformed Stripe-Signature header: no v1 signature")]
    [InlineData("t=abc,v1=00", "malformed Stripe-Signature header: one t=<unix seconds> required")]
    public void Verify_MalformedHeader_ReasonSaysWhat(string header, string reason)
    {
        Assert.Equal(reason, signature.Verify(Request("{}"u8.ToArray(), header), ["k"], Now).Reason);
    }

    private static WebhookRequest Request(byte[] body, string header) =>
        new("POST", "https://x", new Dictionary<string, string> { ["stripe-signature"] = header }, body);
}
