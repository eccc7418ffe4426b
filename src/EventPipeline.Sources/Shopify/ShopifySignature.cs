using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Shopify;

/// <summary>
/// Shopify's <c>X-Shopify-Hmac-Sha256</c>: base64 HMAC-SHA256 of the raw body with the app's client secret. Shopify
/// signs no timestamp; replays are absorbed by dedup on the event id.
/// </summary>
public sealed class ShopifySignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Shopify-Hmac-Sha256";

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

        if (AdapterSignature.FromBase64(header) is not { } candidate)
        {
            return AuthResult.Invalid($"malformed {Header} header");
        }

        foreach (var secret in usable)
        {
            if (AdapterSignature.AnyEquals(AdapterSignature.HmacSha256(secret, request.Body.Span), [candidate]))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(AdapterSignature.Mismatch);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Header] = Convert.ToBase64String(AdapterSignature.HmacSha256(secret, body)),
        };
}
