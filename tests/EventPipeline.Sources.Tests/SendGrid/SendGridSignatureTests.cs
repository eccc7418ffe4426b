using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.SendGrid;

namespace EventPipeline.Sources.Tests.SendGrid;

/// <summary><see cref="SendGridSignature"/>: PEM and DER keys, an independently made ECDSA signature, unusable keys.</summary>
public sealed class SendGridSignatureTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly SendGridSignature signature = new();

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
