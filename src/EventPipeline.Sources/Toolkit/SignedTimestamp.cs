using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// A time the provider signs ahead of the body and sends in a header of its own (Zendesk, SendGrid), so that a
/// captured request cannot be replayed outside <see cref="WebhookSignatures.Tolerance"/>. The signature covers the header's
/// text as sent (surrounding white space aside, which HTTP does not count as part of a value), not a re-rendering of
/// the parsed instant, which could differ in precision or offset.
/// </summary>
/// <param name="Header">The timestamp header.</param>
/// <param name="Parse">The provider's text rule for the header.</param>
/// <param name="Format">How the provider writes the time (the signer).</param>
/// <param name="Rule">The rule named when the header does not parse.</param>
internal sealed record SignedTimestamp(string Header, TryParseTime Parse, Func<DateTimeOffset, string> Format, string Rule)
{
    /// <summary>
    /// The signature in <paramref name="value"/> (read as <paramref name="text"/>) over this header's text followed by the
    /// body, dated by this header; or why the timestamp or the signature cannot be read.
    /// </summary>
    public PresentedSignature Read(string value, WebhookRequest request, string signatureHeader, MacText text)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(text);
        var timestamp = request.Header(Header)?.Trim();
        if (string.IsNullOrEmpty(timestamp))
        {
            return PresentedSignature.Invalid(WebhookSignatures.MissingHeader(Header));
        }

        return Parse(timestamp, out var signedAt)
            ? text.Read(value, signatureHeader, request.Body) with { Prefix = Encoding.UTF8.GetBytes(timestamp), SignedAt = signedAt }
            : PresentedSignature.Invalid(WebhookSignatures.Malformed(Header, Rule));
    }
}
