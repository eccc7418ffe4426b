using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Twilio;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: base64 HMAC-SHA1, keyed by the account's auth token, of the full URL Twilio
/// posted to followed by every POST parameter's name and decoded value, sorted by name (ordinal, case-sensitive).
/// Twilio signs no timestamp; replays are absorbed by dedup.
/// </summary>
public sealed class TwilioSignature : IWebhookAuthenticator, IWebhookSigner
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Twilio-Signature";

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

        if (string.IsNullOrEmpty(request.Url))
        {
            return AuthResult.Invalid("request URL unknown: Twilio signs the URL");
        }

        if (AdapterSignature.FromBase64(header) is not { } candidate)
        {
            return AuthResult.Invalid($"malformed {Header} header");
        }

        var signed = SignedBytes(request.Url, request.Body.Span);
        foreach (var secret in usable)
        {
            if (AdapterSignature.AnyEquals(Mac(secret, signed), [candidate]))
            {
                return AuthResult.Valid;
            }
        }

        return AuthResult.Invalid(AdapterSignature.Mismatch);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [Header] = Convert.ToBase64String(Mac(secret, SignedBytes(url, body))),
        };

    private static byte[] SignedBytes(string url, ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder(url);
        var pairs = AdapterForm.Parse(body);
        // Repeated names are signed name+value for each value, values in order (as Twilio's helper libraries do).
        foreach (var (name, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            text.Append(name).Append(value);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

#pragma warning disable CA5350 // HMAC-SHA1 is Twilio's documented scheme; we verify it, we do not choose it.
    private static byte[] Mac(string secret, byte[] data) => HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), data);
#pragma warning restore CA5350
}
