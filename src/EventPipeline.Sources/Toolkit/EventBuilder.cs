using EventPipeline.Domain;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Collects one canonical event's measures and attributes, skipping absent values, so a mapping lists the fields it
/// copies one per line without an <c>if</c> around each.
/// </summary>
internal sealed class EventBuilder
{
    // Sized for the four to seven attributes a mapping usually copies.
    private readonly FieldDictionary<string> attributes = new(7);

    // Created on the first measure: many events carry none and then share the empty NoMeasures.
    private FieldDictionary<decimal>? measures;

    /// <summary>Adds a measure when it has a value.</summary>
    public EventBuilder Measure(string name, decimal? value)
    {
        if (value is { } v)
        {
            (measures ??= new FieldDictionary<decimal>()).Set(name, v);
        }

        return this;
    }

    /// <summary>Adds an attribute when it has a non-empty value.</summary>
    public EventBuilder Attribute(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Set(name, value);
        }

        return this;
    }

    /// <summary>The finished event for the envelope's tenant.</summary>
    public CanonicalEvent Build(IngestEnvelope envelope, string source, string eventId, string type, DateTimeOffset occurredAt, string kind, string id) =>
        new(envelope.Tenant, source, eventId, type, occurredAt, new EntityRef(AdapterBoundary.Kind(kind), id), measures ?? AdapterBoundary.NoMeasures, attributes);
}
