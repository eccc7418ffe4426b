using EventPipeline.Domain;

namespace EventPipeline.Sources;

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
