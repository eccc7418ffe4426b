using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.SendGrid;

/// <summary>
/// SendGrid's signed event webhook: <c>X-Twilio-Email-Event-Webhook-Signature</c> is a base64 DER ECDSA P-256/SHA-256
/// signature over <c>X-Twilio-Email-Event-Webhook-Timestamp</c> (Unix seconds) followed by the raw body. Verifying
/// "secrets" are public keys: base64 DER SubjectPublicKeyInfo as SendGrid's settings page shows them, or PEM. The
/// signer's secret is the private key (PKCS#8, base64 DER or PEM). SendGrid documents no tolerance; 300 s is used.
/// </summary>
public sealed class SendGridSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Twilio-Email-Event-Webhook-Signature";

    /// <summary>The signed timestamp header.</summary>
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    private static readonly SignedTimestamp Timestamp = new(TimestampHeader, Timestamps.TryParseUnixSeconds, Timestamps.FormatUnixSeconds, "must be Unix seconds");

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        WebhookSignatures.Verify(request, secrets, now, Header, static (value, request) => Timestamp.Read(value, request, Header, MacText.Base64), VerifyWithAnyKey);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var timestamp = Timestamp.Format(now);
        using var ecdsa = ECDsa.Create();
        if (secret.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            ecdsa.ImportFromPem(secret);
        }
        else
        {
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(secret.Trim()), out _);
        }

        var signature = ecdsa.SignData(Concat(Encoding.UTF8.GetBytes(timestamp), body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return WebhookSignatures.Headers((Header, Convert.ToBase64String(signature)), (TimestampHeader, timestamp));
    }

    // Public keys are not secrets, so stopping at the first key that verifies reveals nothing.
    private static AuthResult VerifyWithAnyKey(PresentedSignature presented, IReadOnlyList<string> keys)
    {
        var signed = Concat(presented.Prefix.Span, presented.Payload.Span);
        var anyKey = false;
        foreach (var key in keys)
        {
            using var ecdsa = ImportPublicKey(key);
            if (ecdsa is null)
            {
                continue;
            }

            anyKey = true;
            if (ecdsa.VerifyData(signed, presented.Candidates[0], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(anyKey ? WebhookSignatures.Mismatch : "no usable verification public key configured");
    }

    // A misconfigured key must not crash verification: it is skipped and, if no key is usable, the reason says so.
    private static ECDsa? ImportPublicKey(string key)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            if (key.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                ecdsa.ImportFromPem(key);
            }
            else if (WebhookSignatures.FromBase64(key) is { } der)
            {
                ecdsa.ImportSubjectPublicKeyInfo(der, out _);
            }
            else
            {
                ecdsa.Dispose();
                return null;
            }

            return ecdsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            return null;
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var result = new byte[first.Length + second.Length];
        first.CopyTo(result);
        second.CopyTo(result.AsSpan(first.Length));
        return result;
    }
}
