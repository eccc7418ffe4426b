namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// The scheme of sources whose sender proves who it is rather than signing the body: a relay, an API destination or
/// an internal job sends <c>Authorization: Bearer &lt;secret&gt;</c>, compared in constant time against every active
/// secret. The token does not cover the body; transport security (TLS) protects its integrity. Each source derives its
/// own class, so its folder says which sender holds the secret and how it is configured.
/// </summary>
public abstract class BearerTokenSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>Only the sources in this assembly use the scheme.</summary>
    private protected BearerTokenSignature()
    {
    }

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        WebhookSignatures.VerifyBearer(request, secrets, now);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        WebhookSignatures.BearerHeaders(secret);
}
