using EventPipeline.Domain;

namespace EventPipeline.Application.Webhooks;

/// <summary>What the pipeline answers a webhook delivery: accepted (it will be applied), or why not.</summary>
public sealed record WebhookOutcome
{
    /// <summary>Accepted, refused, or to be retried by the provider.</summary>
    public required WebhookVerdict Verdict { get; init; }

    /// <summary>The field and rule of a refusal.</summary>
    public Rejection? Problem { get; init; }

    /// <summary>Dedup ids of the events the delivery holds (for the log).</summary>
    public IReadOnlyList<string> EventIds { get; init; } = [];

    /// <summary>The partition key the envelope was put with.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>Enrichment was unavailable: the authentic notice was accepted and Ingest fetches the resource later.</summary>
    public bool EnrichmentDeferred { get; init; }

    /// <summary>Why a deferral or an unavailable dependency happened (for the log).</summary>
    public Exception? Cause { get; init; }

    internal static WebhookOutcome Refused(WebhookVerdict verdict, string field, string rule, Exception? cause = null) =>
        new() { Verdict = verdict, Problem = new Rejection(field, rule), Cause = cause };
}
