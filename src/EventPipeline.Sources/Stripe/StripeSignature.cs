using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Stripe;

/// <summary>
/// Stripe's <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;...]</c>: HMAC-SHA256 of <c>"{t}.{raw body}"</c>.
/// Several <c>v1</c> values appear while Stripe rolls an endpoint secret; any one matching any configured secret
/// suffices. Timestamps more than 300 s from now are rejected (Stripe's default tolerance).
/// </summary>
public sealed class StripeSignature() : HmacSignature(Header, HashAlgorithmName.SHA256, MacText.HexList("v1"))
{
    /// <summary>The signature header.</summary>
    public const string Header = "Stripe-Signature";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        var t = Timestamps.FormatUnixSeconds(now);
        return WebhookSignatures.Headers((Header, $"t={t},{Text.Format(Mac(secret, SignedPrefix(t), body))}"));
    }

    private protected override PresentedSignature Read(string value, WebhookRequest request)
    {
        var timestamps = WebhookSignatures.HeaderValues(value, "t");
        return timestamps.Count == 1 && Timestamps.TryParseUnixSeconds(timestamps[0], out var signedAt)
            ? base.Read(value, request) with { Prefix = SignedPrefix(timestamps[0]), SignedAt = signedAt }
            : PresentedSignature.Invalid(WebhookSignatures.Malformed(Header, "one t=<unix seconds> required"));
    }

    private static byte[] SignedPrefix(string timestamp) => Encoding.UTF8.GetBytes(timestamp + ".");
}
