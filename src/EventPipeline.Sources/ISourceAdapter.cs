using EventPipeline.Domain;

namespace EventPipeline.Sources;

/// <summary>
/// Turns one ingest envelope from a source into canonical events, or a rejection naming the field and rule.
/// Adapters never throw for bad input: every malformed payload yields <see cref="AdapterResult.Rejected"/>.
/// They may throw <see cref="TransientSourceException"/> when a dependency (an enrichment fetch) is unavailable,
/// so that the record is retried rather than dead-lettered.
/// </summary>
public interface ISourceAdapter
{
    /// <summary>The source's name in URLs, envelopes and canonical events, e.g. <c>github</c>.</summary>
    string Name { get; }

    /// <summary>Parses and maps one envelope.</summary>
    ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>Outcome of adapting one envelope: events (one or many: arrays and multi-record payloads fan out) or a rejection.</summary>
public abstract record AdapterResult
{
    private AdapterResult()
    {
    }

    /// <summary>The payload mapped to one or more canonical events, each with a distinct dedup id.</summary>
    public sealed record Accepted(IReadOnlyList<CanonicalEvent> Events) : AdapterResult;

    /// <summary>The payload cannot be mapped; permanent.</summary>
    public sealed record Rejected(Rejection Reason) : AdapterResult;

    /// <summary>Shorthand for an accepted single event.</summary>
    public static AdapterResult Of(params CanonicalEvent[] events) => new Accepted(events);

    /// <summary>Shorthand for a rejection.</summary>
    public static AdapterResult Reject(string field, string rule) => new Rejected(new Rejection(field, rule));
}

/// <summary>A dependency failed in a way that may heal (timeout, 5xx, open circuit): retry the record, do not dead-letter it yet.</summary>
public sealed class TransientSourceException(string message, Exception? inner = null) : Exception(message, inner);
