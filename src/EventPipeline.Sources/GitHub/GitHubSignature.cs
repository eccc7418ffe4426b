using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.GitHub;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>. GitHub signs no timestamp, so
/// there is no replay window; replays are absorbed by dedup on <c>X-GitHub-Delivery</c>.
/// </summary>
public sealed class GitHubSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";

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

        header = header.Trim();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || AdapterSignature.FromHex(header[Prefix.Length..]) is not { } candidate)
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
            [Header] = Prefix + Convert.ToHexStringLower(AdapterSignature.HmacSha256(secret, body)),
        };
}
