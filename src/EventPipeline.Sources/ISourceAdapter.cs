namespace EventPipeline.Sources;

/// <summary>
/// Turns one ingest envelope from a source into canonical events, or a rejection naming the field and rule.
/// Adapters never throw for bad input: every malformed payload yields <see cref="AdapterResult.Rejected"/>.
/// They may throw <see cref="TransientSourceException"/> when a dependency (an enrichment fetch) stays unavailable
/// after its own retries: the webhook still accepts the authentic notice and leaves the fetch to Ingest, which
/// dead-letters the record as <c>source-unavailable</c> (redrive it once the dependency answers) rather than hold its shard.
/// </summary>
public interface ISourceAdapter
{
    /// <summary>The source's name in URLs, envelopes and canonical events, e.g. <c>github</c>.</summary>
    string Name { get; }

    /// <summary>Parses and maps one envelope.</summary>
    ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken);
}
