using System.Security.Cryptography;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Jira;

/// <summary>
/// Jira webhooks registered with a secret send <c>X-Hub-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>.
/// Checked before parsing, in constant time, against every active secret.
/// </summary>
public sealed class JiraSignature : IWebhookAuthenticator, IWebhookSigner
{
    private const string Header = "X-Hub-Signature";
    private const string Prefix = "sha256=";

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secrets);
        var value = request.Header(Header);
        if (value is null)
        {
            return AuthResult.Invalid($"missing {Header} header");
        }

        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Invalid($"{Header} must start with {Prefix}");
        }

        return SecretChecks.VerifyHexHmac(HashAlgorithmName.SHA256, value[Prefix.Length..], Header, request.Body.Span, secrets);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["x-hub-signature"] = Prefix + SecretChecks.HexHmac(HashAlgorithmName.SHA256, secret, body),
        };
}
