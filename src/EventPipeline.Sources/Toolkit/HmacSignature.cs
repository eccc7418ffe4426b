using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// The scheme of sources whose provider signs with a keyed hash (HMAC): checked on the raw request before anything
/// parses the body, in constant time, against every active secret. A source's class states only its provider's
/// header, hash, how the MAC is written and, when the provider signs one, its timestamp header; the signer and the
/// verification are derived from that one statement. Providers that sign something else as well (Stripe's in-header
/// time, Twilio's URL) override <see cref="Sign"/> and the reading of the header.
/// </summary>
public abstract class HmacSignature : IWebhookAuthenticator, IWebhookSigner
{
    private readonly string header;
    private readonly HashAlgorithmName algorithm;
    private readonly SignedTimestamp? timestamp;

    private protected HmacSignature(string header, HashAlgorithmName algorithm, MacText text, SignedTimestamp? timestamp = null)
    {
        this.header = header;
        this.algorithm = algorithm;
        this.timestamp = timestamp;
        Text = text;
    }

    /// <summary>How the provider writes the MAC into the header.</summary>
    private protected MacText Text { get; }

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        WebhookSignatures.VerifyHmac(request, secrets, now, header, algorithm, Read);

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        if (timestamp is null)
        {
            return WebhookSignatures.Headers((header, Text.Format(Mac(secret, body))));
        }

        var signedAt = timestamp.Format(now);
        return WebhookSignatures.Headers((header, Text.Format(Mac(secret, Encoding.UTF8.GetBytes(signedAt), body))), (timestamp.Header, signedAt));
    }

    /// <summary>What the trimmed header value presents: MACs of the raw body, after the signed timestamp if there is one.</summary>
    private protected virtual PresentedSignature Read(string value, WebhookRequest request) =>
        timestamp is null ? Text.Read(value, header, request.Body) : timestamp.Read(value, request, header, Text);

    /// <summary>The provider's MAC of <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    private protected byte[] Mac(string secret, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default) =>
        WebhookSignatures.Hmac(algorithm, secret, first, second);
}
