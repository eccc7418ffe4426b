using System.Security.Cryptography;
using EventPipeline.Sources.PagerDuty;

namespace EventPipeline.Sources.Tests.PagerDuty;

/// <summary><see cref="PagerDutySignature"/>: one <c>v1</c> per active secret, and its malformed-header reason.</summary>
public sealed class PagerDutySignatureTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly PagerDutySignature signature = new();

    [Fact]
    public void Verify_HeaderListsOneV1PerActiveSecret_AnyMatchValid()
    {
        // While a secret is rotated PagerDuty sends one v1 per secret; we hold only the new one.
        var body = "{\"event\":{}}"u8.ToArray();
        var oldSig = Convert.ToHexStringLower(HMACSHA256.HashData("old"u8, body));
        var newSig = Convert.ToHexStringLower(HMACSHA256.HashData("new"u8, body));
        var request = new WebhookRequest("POST", "https://x", new Dictionary<string, string> { ["x-pagerduty-signature"] = $"v1={oldSig},v1={newSig}" }, body);

        Assert.True(signature.Verify(request, ["new"], Now).Ok);
    }

    [Fact]
    public void Verify_NoV1Entry_ReasonSaysMalformed()
    {
        var request = new WebhookRequest("POST", "https://x", new Dictionary<string, string> { ["x-pagerduty-signature"] = "v2=abcd" }, "{}"u8.ToArray());

        Assert.Equal("malformed X-PagerDuty-Signature header: no v1 signature", signature.Verify(request, ["k"], Now).Reason);
    }
}
