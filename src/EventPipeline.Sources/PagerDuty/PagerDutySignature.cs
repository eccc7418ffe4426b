using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.PagerDuty;

/// <summary>
/// PagerDuty v3's <c>X-PagerDuty-Signature: v1=&lt;hex&gt;[,v1=&lt;hex&gt;...]</c>: hex HMAC-SHA256 of the raw body. PagerDuty
/// lists one <c>v1</c> per active secret while one is rotated; any match suffices. No timestamp is signed.
/// </summary>
public sealed class PagerDutySignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-PagerDuty-Signature";

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

        var candidates = AdapterSignature.Values(header, "v1").Select(AdapterSignature.FromHex).OfType<byte[]>().ToList();
        if (candidates.Count == 0)
        {
            return AuthResult.Invalid($"malformed {Header} header: no v1 signature");
        }

        foreach (var secret in usable)
        {
            if (AdapterSignature.AnyEquals(AdapterSignature.HmacSha256(secret, request.Body.Span), candidates))
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
            [Header] = "v1=" + Convert.ToHexStringLower(AdapterSignature.HmacSha256(secret, body)),
        };
}
