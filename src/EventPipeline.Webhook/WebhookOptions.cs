namespace EventPipeline.Webhook;

/// <summary>Settings of the webhook function's HTTP side; <see cref="WebhookComposition"/> reads them from the environment.</summary>
public sealed record WebhookOptions
{
    /// <summary>Largest accepted body, after base64 decoding (see <see cref="Application.Webhooks.WebhookLimits.MaxBodyBytes"/>).</summary>
    public const int MaxBodyBytes = Application.Webhooks.WebhookLimits.MaxBodyBytes;

    /// <summary>
    /// Scheme, host and optional prefix providers post to (e.g. <c>https://hooks.example.com</c>), when it differs from
    /// <c>https://{requestContext.domainName}</c> (a custom domain, a CDN, or the local stack's <c>http://127.0.0.1:port</c>).
    /// URL-signing providers (Twilio) sign exactly this URL.
    /// </summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>Retry-After seconds sent with 503 answers.</summary>
    public int RetryAfterSeconds { get; init; } = 5;

    /// <summary>Requests per minute granted in the CloudEvents webhook handshake (<c>WebHook-Allowed-Rate</c>); <c>*</c> is any rate.</summary>
    public string AllowedRate { get; init; } = "*";
}
