namespace EventPipeline.Sources;

/// <summary>An HTTP request as the webhook endpoint received it, before any parsing.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Url">The full public URL the provider posted to (Twilio signs it).</param>
/// <param name="Headers">Headers, names lower-cased.</param>
/// <param name="Body">Raw body bytes.</param>
public sealed record WebhookRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name)
    {
        foreach (var (k, v) in Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}

/// <summary>Result of an authenticity check.</summary>
/// <param name="Ok">True when the request is authentic.</param>
/// <param name="Reason">When not ok: why, without revealing secrets or expected values (e.g. "signature mismatch", "timestamp outside 300 s tolerance").</param>
public readonly record struct AuthResult(bool Ok, string? Reason)
{
    /// <summary>Authentic.</summary>
    public static AuthResult Valid => new(true, null);

    /// <summary>Not authentic, with a reason.</summary>
    public static AuthResult Invalid(string reason) => new(false, reason);
}

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

/// <summary>
/// Produces the headers a provider would send for a body, signed with a secret: the local CLI's <c>send</c> and the
/// tests use it to make authentic requests. For asymmetric schemes (SendGrid) the secret is the private key.
/// </summary>
public interface IWebhookSigner
{
    /// <summary>Signature (and timestamp) headers for <paramref name="body"/> posted to <paramref name="url"/> at <paramref name="now"/>.</summary>
    IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now);
}
