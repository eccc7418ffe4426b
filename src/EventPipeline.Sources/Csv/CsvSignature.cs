using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Csv;

/// <summary>
/// The legacy CSV feed is pushed by an internal job (or copied from S3 by one) with a shared secret:
/// <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the sender, not the body.
/// Compared in constant time against every active secret.
/// </summary>
public sealed class CsvSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        SecretChecks.VerifyBearer(request, secrets);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        SecretChecks.BearerHeaders(secret);
}
