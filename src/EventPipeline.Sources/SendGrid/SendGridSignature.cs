using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Common;

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

    /// <inheritdoc />
    public AuthResult Verify(WebhookRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var usable = AdapterSignature.Usable(secrets);
        if (usable.Count == 0)
        {
            return AuthResult.Invalid(AdapterSignature.NoSecret);
        }

        var header = request.Header(Header);
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthResult.Invalid(AdapterSignature.MissingHeader(Header));
        }

        var timestamp = request.Header(TimestampHeader)?.Trim();
        if (string.IsNullOrEmpty(timestamp))
        {
            return AuthResult.Invalid(AdapterSignature.MissingHeader(TimestampHeader));
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !AdapterTime.TryFromUnixSeconds(seconds, out var signedAt))
        {
            return AuthResult.Invalid($"malformed {TimestampHeader} header: must be Unix seconds");
        }

        if (AdapterSignature.FromBase64(header) is not { } signature)
        {
            return AuthResult.Invalid($"malformed {Header} header");
        }

        if (!AdapterSignature.Fresh(signedAt, now))
        {
            return AuthResult.Invalid(AdapterSignature.Stale);
        }

        var signed = Concat(Encoding.UTF8.GetBytes(timestamp), request.Body.Span);
        var anyKey = false;
        foreach (var key in usable)
        {
            using var ecdsa = ImportPublicKey(key);
            if (ecdsa is null)
            {
                continue;
            }

            anyKey = true;
            if (ecdsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(anyKey ? AdapterSignature.Mismatch : "no usable verification public key configured");
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
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
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Header] = Convert.ToBase64String(signature),
            [TimestampHeader] = timestamp,
        };
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
            else if (AdapterSignature.FromBase64(key) is { } der)
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
