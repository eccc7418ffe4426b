using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Twilio;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: base64 HMAC-SHA1, keyed by the account's auth token, of the full URL Twilio
/// posted to followed by every POST parameter's name and decoded value, sorted by name (ordinal, case-sensitive).
/// Twilio signs no timestamp; replays are absorbed by dedup.
/// </summary>
public sealed class TwilioSignature() : HmacSignature(Header, HashAlgorithmName.SHA1, MacText.Base64)
{
    /// <summary>The signature header.</summary>
    public const string Header = "X-Twilio-Signature";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Sign(ReadOnlySpan<byte> body, string url, string secret, DateTimeOffset now) =>
        WebhookSignatures.Headers((Header, Text.Format(Mac(secret, SignedBytes(url, body)))));

    private protected override PresentedSignature Read(string value, WebhookRequest request) =>
        string.IsNullOrEmpty(request.Url)
            ? PresentedSignature.Invalid("request URL unknown: Twilio signs the URL")
            : base.Read(value, request) with { Payload = SignedBytes(request.Url, request.Body.Span) };

    private static byte[] SignedBytes(string url, ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder(url);
        // Repeated names are signed name+value for each value, values in order (as Twilio's helper libraries do).
        foreach (var (name, value) in FormFields.Parse(body).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            text.Append(name).Append(value);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
