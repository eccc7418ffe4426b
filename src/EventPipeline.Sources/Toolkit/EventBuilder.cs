using EventPipeline.Domain;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Collects one canonical event's measures and attributes, skipping absent values, so a mapping lists the fields it
/// copies one per line without an <c>if</c> around each.
/// </summary>
internal sealed class EventBuilder
{
    // Sized (7 slots) for the four to seven attributes a mapping usually copies, which an unsized table reaches by
    // allocating twice (3 slots, then 7).
    private readonly Dictionary<string, string> attributes = new(7, StringComparer.Ordinal);

    // Created on the first measure: many events carry none and then share the empty NoMeasures.
    private Dictionary<string, decimal>? measures;

    /// <summary>Adds a measure when it has a value.</summary>
    public EventBuilder Measure(string name, decimal? value)
    {
        if (value is { } v)
        {
            (measures ??= new Dictionary<string, decimal>(StringComparer.Ordinal))[name] = v;
        }

        return this;
    }

    /// <summary>Adds an attribute when it has a non-empty value.</summary>
    public EventBuilder Attribute(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes[name] = value;
        }

        return this;
    }

    /// <summary>The finished event for the envelope's tenant.</summary>
    public CanonicalEvent Build(IngestEnvelope envelope, string source, string eventId, string type, DateTimeOffset occurredAt, string kind, string id) =>
        new(envelope.Tenant, source, eventId, type, occurredAt, new EntityRef(AdapterBoundary.Kind(kind), id), measures ?? AdapterBoundary.NoMeasures, attributes);
}
