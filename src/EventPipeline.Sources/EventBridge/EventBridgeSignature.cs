using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.EventBridge;

/// <summary>
/// EventBridge delivers to the webhook through an API destination whose connection uses API-key or OAuth
/// authorization; configure it to send <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the sender, not the body.
/// Compared in constant time against every active secret.
/// </summary>
public sealed class EventBridgeSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        SecretChecks.VerifyBearer(request, secrets);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        SecretChecks.BearerHeaders(secret);
}
