namespace EventPipeline.Sources;

/// <summary>
/// Checks a source's signature scheme on the raw request, before the body is parsed. Implementations compare
/// with <see cref="System.Security.Cryptography.CryptographicOperations.FixedTimeEquals"/> and accept any of
/// several active secrets (rotation).
/// </summary>
public interface IWebhookAuthenticator
{
    /// <summary>Verifies <paramref name="request"/> against each of <paramref name="secrets"/> at time <paramref name="now"/>.</summary>
    AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now);
}
