
namespace EventPipeline.Sources.Signing;

/// <summary>
/// Builds a request exactly as a provider would send it, signed with the source's <see cref="IWebhookSigner"/>: the local
/// CLI's <c>send</c> verb and the tests use it. The webhook function must see the same URL (for the local stack, set
/// <c>WEBHOOK_PUBLIC_BASE_URL</c> to the same base). It lives beside the signers because signing a request is the same
/// computation as verifying it; nothing in the functions calls it.
/// </summary>
public static class WebhookRequestBuilder
{
    /// <summary>Signs <paramref name="sampleBody"/> for <paramref name="tenant"/>'s <paramref name="source"/> endpoint.</summary>
    /// <param name="source">The source (its name forms the URL; its signer makes the signature headers).</param>
    /// <param name="tenant">The tenant in the URL.</param>
    /// <param name="sampleBody">The raw body.</param>
    /// <param name="sampleHeaders">The provider's other headers (event type, delivery id, content type...); any case.</param>
    /// <param name="signingSecret">The secret the provider signs with (SendGrid: the PKCS#8 private key, base64 or PEM).</param>
    /// <param name="publicBaseUrl">Scheme, host and optional path prefix the webhook is reached at, e.g. <c>https://hooks.example.com</c>.</param>
    /// <param name="now">Signing time (timestamped schemes reject it when more than 300 s from the receiver's clock).</param>
    public static SignedWebhookRequest Build(
        SourceRegistration source,
        string tenant,
        ReadOnlyMemory<byte> sampleBody,
        IReadOnlyDictionary<string, string>? sampleHeaders,
        string signingSecret,
        string publicBaseUrl,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(publicBaseUrl);
        var url = $"{publicBaseUrl.TrimEnd('/')}/webhooks/{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(source.Name)}";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (sampleHeaders is not null)
        {
            foreach (var (name, value) in sampleHeaders)
            {
                headers[name.ToLowerInvariant()] = value;
            }
        }

        foreach (var (name, value) in source.Signer.Sign(sampleBody.Span, url, signingSecret, now))
        {
            headers[name.ToLowerInvariant()] = value;
        }

        return new SignedWebhookRequest(url, headers, sampleBody);
    }
}
