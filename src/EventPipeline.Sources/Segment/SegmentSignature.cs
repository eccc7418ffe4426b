using System.Security.Cryptography;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Segment;

/// <summary>
/// Segment webhook destinations sign the raw body: <c>X-Signature</c> is the lower-case hex HMAC-SHA1 of the body
/// keyed with the shared secret. Checked before the body is parsed, in constant time, against every active secret.
/// </summary>
public sealed class SegmentSignature : IWebhookAuthenticator, IWebhookSigner
{
    private const string Header = "X-Signature";

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secrets);
        return SecretChecks.VerifyHexHmac(HashAlgorithmName.SHA1, request.Header(Header), Header, request.Body.Span, secrets);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-signature"] = SecretChecks.HexHmac(HashAlgorithmName.SHA1, secret, body) };
}
