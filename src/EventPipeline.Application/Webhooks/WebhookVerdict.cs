namespace EventPipeline.Application.Webhooks;

/// <summary>The kinds of answer to a webhook delivery.</summary>
public enum WebhookVerdict
{
    /// <summary>On the stream: Ingest will apply it (HTTP 202).</summary>
    Accepted,

    /// <summary>Not authentic, or no secret configured (HTTP 401).</summary>
    Unauthorized,

    /// <summary>Authentic but not acceptable: Ingest would reject it (HTTP 400), naming the field and rule.</summary>
    Rejected,

    /// <summary>Too large to be carried to Ingest (HTTP 413).</summary>
    TooLarge,

    /// <summary>A dependency (secret store, stream) failed: the provider should retry (HTTP 503).</summary>
    Unavailable,
}
