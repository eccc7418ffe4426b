namespace EventPipeline.Sources;

/// <summary>
/// Produces the headers a provider would send for a body, signed with a secret: the local CLI's <c>send</c> and the
/// tests use it to make authentic requests. For asymmetric schemes (SendGrid) the secret is the private key.
/// </summary>
public interface IWebhookSigner
{
    /// <summary>Signature (and timestamp) headers for <paramref name="body"/> posted to <paramref name="url"/> at <paramref name="now"/>.</summary>
    IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now);
}
