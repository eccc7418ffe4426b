using System.Globalization;
using System.Text;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Stripe;

/// <summary>
/// Stripe's <c>Stripe-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;...]</c>: HMAC-SHA256 of <c>"{t}.{raw body}"</c>.
/// Several <c>v1</c> values appear while Stripe rolls an endpoint secret; any one matching any configured secret
/// suffices. Timestamps more than 300 s from now are rejected (Stripe's default tolerance).
/// </summary>
public sealed class StripeSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "Stripe-Signature";

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

        var timestamps = AdapterSignature.Values(header, "t");
        if (timestamps.Count != 1 || !long.TryParse(timestamps[0], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !AdapterTime.TryFromUnixSeconds(t, out var signedAt))
        {
            return AuthResult.Invalid($"malformed {Header} header: one t=<unix seconds> required");
        }

        var candidates = AdapterSignature.Values(header, "v1").Select(AdapterSignature.FromHex).OfType<byte[]>().ToList();
        if (candidates.Count == 0)
        {
            return AuthResult.Invalid($"malformed {Header} header: no v1 signature");
        }

        if (!AdapterSignature.Fresh(signedAt, now))
        {
            return AuthResult.Invalid(AdapterSignature.Stale);
        }

        var prefix = Encoding.UTF8.GetBytes(timestamps[0] + ".");
        foreach (var secret in usable)
        {
            if (AdapterSignature.AnyEquals(AdapterSignature.HmacSha256(secret, prefix, request.Body.Span), candidates))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(AdapterSignature.Mismatch);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = AdapterSignature.HmacSha256(secret, Encoding.UTF8.GetBytes(t + "."), body);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Header] = $"t={t},v1={Convert.ToHexStringLower(mac)}",
        };
    }
}
