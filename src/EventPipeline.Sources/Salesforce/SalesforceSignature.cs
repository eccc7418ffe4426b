using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Salesforce;

/// <summary>
/// Salesforce Change Data Capture events reach the pipeline through a relay (a Pub/Sub API or CometD subscriber,
/// or an EventBridge partner source) that authenticates to Salesforce with its own credentials and posts to the webhook with
/// a shared secret: <c>Authorization: Bearer &lt;secret&gt;</c>. The token authenticates the relay, not the body.
/// Compared in constant time against every active secret.
/// </summary>
public sealed class SalesforceSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        SecretChecks.VerifyBearer(request, secrets);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        SecretChecks.BearerHeaders(secret);
}
