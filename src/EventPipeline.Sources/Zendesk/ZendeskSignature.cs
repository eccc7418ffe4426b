using System.Security.Cryptography;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Zendesk;

/// <summary>
/// Zendesk's <c>X-Zendesk-Webhook-Signature</c>: base64 HMAC-SHA256 of <c>X-Zendesk-Webhook-Signature-Timestamp</c>
/// followed by the raw body. The timestamp is RFC 3339; Zendesk documents no tolerance, so 300 s either side is used,
/// as for Stripe.
/// </summary>
public sealed class ZendeskSignature() : HmacSignature(
    Header,
    HashAlgorithmName.SHA256,
    MacText.Base64,
    new SignedTimestamp(TimestampHeader, Timestamps.TryParseRfc3339, Timestamps.FormatRfc3339, Timestamps.Rfc3339Rule))
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Zendesk-Webhook-Signature";

    /// <summary>The signed timestamp header.</summary>
    public const string TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";
}
