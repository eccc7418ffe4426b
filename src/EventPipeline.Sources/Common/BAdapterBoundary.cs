using EventPipeline.Domain;

namespace EventPipeline.Sources.Common;

/// <summary>
/// The boundary every group-B adapter shares: runs the pure mapping, turns a <see cref="RejectionException"/> into a
/// rejection, and checks the fan-out contract (at least one event, distinct dedup ids).
/// </summary>
internal static class AdapterBoundary
{
    /// <summary>Runs <paramref name="map"/> and converts its outcome to an <see cref="AdapterResult"/>.</summary>
    public static AdapterResult Run(Func<List<CanonicalEvent>> map)
    {
        try
        {
            return Accept(map());
        }
        catch (RejectionException e)
        {
            return new AdapterResult.Rejected(e.Rejection);
        }
    }

    /// <summary>Checks the mapped events and wraps them.</summary>
    public static AdapterResult Accept(List<CanonicalEvent> events)
    {
        if (events.Count == 0)
        {
            return AdapterResult.Reject("body", "must contain at least one event");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!seen.Add(e.EventId))
            {
                // A payload that repeats an event is malformed; dropping the copy silently would hide it.
                return AdapterResult.Reject("body", "events in one payload must have distinct ids");
            }
        }

        return new AdapterResult.Accepted(events);
    }

    /// <summary>The envelope's tenant; rejected when empty.</summary>
    public static string RequireTenant(IngestEnvelope envelope) =>
        string.IsNullOrWhiteSpace(envelope.Tenant) ? throw RejectionException.For("tenant", "required") : envelope.Tenant;

    /// <summary>A lower-case entity kind.</summary>
    public static string Kind(string kind) => kind.ToLowerInvariant();

    /// <summary>Empty dictionaries shared by events without measures or attributes.</summary>
    public static readonly IReadOnlyDictionary<string, decimal> NoMeasures = new Dictionary<string, decimal>();
}
