using EventPipeline.Domain;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// The edge every adapter's mapping runs behind. Mapping code throws <see cref="RejectionException"/> at the first
/// broken rule instead of threading results through every step; this is the one place that turns it into
/// <see cref="AdapterResult.Rejected"/> and checks the fan-out contract (at least one event, distinct dedup ids), so no
/// adapter can hand the pipeline a payload that silently loses or repeats an event.
/// </summary>
internal static class AdapterBoundary
{
    /// <summary>Shared by events that carry no measures (record fields are state, not measures).</summary>
    public static readonly IReadOnlyDictionary<string, decimal> NoMeasures = FieldDictionary<decimal>.Empty;

    /// <summary>Runs a mapping that yields one event.</summary>
    public static ValueTask<AdapterResult> Run(IngestEnvelope envelope, Func<IngestEnvelope, CanonicalEvent> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(envelope);
        // Not delegated to the fan-out overload: that would allocate a closure over map for every envelope.
        try
        {
            return ValueTask.FromResult(Accept([map(envelope)]));
        }
        catch (RejectionException e)
        {
            return ValueTask.FromResult<AdapterResult>(new AdapterResult.Rejected(e.Rejection));
        }
    }

    /// <summary>Runs a mapping that fans out to several events.</summary>
    public static ValueTask<AdapterResult> Run(IngestEnvelope envelope, Func<IngestEnvelope, IReadOnlyList<CanonicalEvent>> map)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(map);
        try
        {
            return ValueTask.FromResult(Accept(map(envelope)));
        }
        catch (RejectionException e)
        {
            return ValueTask.FromResult<AdapterResult>(new AdapterResult.Rejected(e.Rejection));
        }
    }

    /// <summary>Checks mapped events against the fan-out contract and wraps them.</summary>
    public static AdapterResult Accept(IReadOnlyList<CanonicalEvent> events)
    {
        if (events.Count == 0)
        {
            return AdapterResult.Reject("body", "must contain at least one event");
        }

        if (!DistinctIds(events))
        {
            // A payload that repeats an event is malformed; dropping the copy silently would hide it.
            return AdapterResult.Reject("body", "events in one payload must have distinct ids");
        }

        return new AdapterResult.Accepted(events);
    }

    // Most payloads carry one event and batches a handful: comparing pairs beats building a set for each payload.
    private static bool DistinctIds(IReadOnlyList<CanonicalEvent> events)
    {
        const int PairwiseUpTo = 16;
        if (events.Count <= PairwiseUpTo)
        {
            for (var i = 1; i < events.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(events[i].EventId, events[j].EventId, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        var seen = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!seen.Add(e.EventId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The envelope's tenant; rejected when empty.</summary>
    public static string RequireTenant(IngestEnvelope envelope) =>
        string.IsNullOrWhiteSpace(envelope.Tenant) ? throw RejectionException.For("tenant", "required") : envelope.Tenant;

    /// <summary>A required header, trimmed; its absence is rejected as <c>header:{name}</c>.</summary>
    public static string RequiredHeader(IngestEnvelope envelope, string name) =>
        OptionalHeader(envelope, name) ?? throw RejectionException.For($"header:{name}", "required");

    /// <summary>An optional header, trimmed; null when absent or blank.</summary>
    public static string? OptionalHeader(IngestEnvelope envelope, string name)
    {
        var value = envelope.Header(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>An entity kind as the domain requires it: lower case.</summary>
    public static string Kind(string kind) => Lower(kind);

    // ASCII that lower-casing leaves as it is: everything but A-Z.
    private static readonly System.Buffers.SearchValues<char> UnchangedByLowering =
        System.Buffers.SearchValues.Create(string.Concat(Enumerable.Range(0, 128).Where(c => c is < 'A' or > 'Z').Select(c => (char)c)));

    /// <summary>
    /// <paramref name="text"/> lower-cased (invariant), the same instance when it already is: what payloads send mostly
    /// is, and one vectorized check is cheaper than the invariant casing's walk over each character.
    /// </summary>
    public static string Lower(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().ContainsAnyExcept(UnchangedByLowering) ? text.ToLowerInvariant() : text;
    }
}
