using System.Text;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Zendesk;

/// <summary>
/// Zendesk's <c>X-Zendesk-Webhook-Signature</c>: base64 HMAC-SHA256 of <c>X-Zendesk-Webhook-Signature-Timestamp</c>
/// followed by the raw body. The timestamp is RFC 3339; Zendesk documents no tolerance, so 300 s either side is used,
/// as for Stripe.
/// </summary>
public sealed class ZendeskSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Zendesk-Webhook-Signature";

    /// <summary>The signed timestamp header.</summary>
    public const string TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var usable = AdapterSignature.Usable(secrets);
        if (usable.Count == 0)
        {
            return AuthResult.Invalid(AdapterSignature.NoSecret);
        }

        var header = request.Header(Header);
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthResult.Invalid(AdapterSignature.MissingHeader(Header));
        }

        var timestamp = request.Header(TimestampHeader);
        if (string.IsNullOrWhiteSpace(timestamp))
        {
            return AuthResult.Invalid(AdapterSignature.MissingHeader(TimestampHeader));
        }

        if (!AdapterTime.TryParseRfc3339(timestamp.Trim(), out var signedAt))
        {
            return AuthResult.Invalid($"malformed {TimestampHeader} header: must be an RFC 3339 timestamp");
        }

        if (AdapterSignature.FromBase64(header) is not { } candidate)
        {
            return AuthResult.Invalid($"malformed {Header} header");
        }

        if (!AdapterSignature.Fresh(signedAt, now))
        {
            return AuthResult.Invalid(AdapterSignature.Stale);
        }

        // The exact header text is signed, not a re-rendering of the parsed instant.
        var prefix = Encoding.UTF8.GetBytes(timestamp);
        foreach (var secret in usable)
        {
            if (AdapterSignature.AnyEquals(AdapterSignature.HmacSha256(secret, prefix, request.Body.Span), [candidate]))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(AdapterSignature.Mismatch);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        var timestamp = AdapterTime.FormatRfc3339(now);
        var mac = AdapterSignature.HmacSha256(secret, Encoding.UTF8.GetBytes(timestamp), body);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Header] = Convert.ToBase64String(mac),
            [TimestampHeader] = timestamp,
        };
    }
}
