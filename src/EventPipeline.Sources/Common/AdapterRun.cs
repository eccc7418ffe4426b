using EventPipeline.Domain;

namespace EventPipeline.Sources.Common;

/// <summary>The boundary of the group-A adapters: runs pure mapping code and turns a <see cref="RejectionException"/> into a rejection.</summary>
internal static class AdapterRun
{
    /// <summary>Runs <paramref name="map"/>; a rejection thrown inside becomes <see cref="AdapterResult.Rejected"/>.</summary>
    public static ValueTask<AdapterResult> Map(IngestEnvelope envelope, Func<IngestEnvelope, AdapterResult> map)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            return ValueTask.FromResult(map(envelope));
        }
        catch (RejectionException ex)
        {
            return ValueTask.FromResult<AdapterResult>(new AdapterResult.Rejected(ex.Rejection));
        }
    }

    /// <summary>A required header; its absence is rejected as <c>header:{name}</c>.</summary>
    public static string RequiredHeader(IngestEnvelope envelope, string name)
    {
        var value = envelope.Header(name);
        return string.IsNullOrWhiteSpace(value) ? throw RejectionException.For($"header:{name}", "required") : value.Trim();
    }

    /// <summary>An optional header, null when absent or blank.</summary>
    public static string? OptionalHeader(IngestEnvelope envelope, string name)
    {
        var value = envelope.Header(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}

/// <summary>Collects one canonical event's measures and attributes, skipping absent values so callers stay linear.</summary>
internal sealed class AdapterEventBuilder
{
    private readonly Dictionary<string, decimal> measures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> attributes = new(StringComparer.Ordinal);

    /// <summary>Adds a measure when it has a value.</summary>
    public AdapterEventBuilder Measure(string name, decimal? value)
    {
        if (value is { } v)
        {
            measures[name] = v;
        }

        return this;
    }

    /// <summary>Adds an attribute when it has a non-empty value.</summary>
    public AdapterEventBuilder Attribute(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes[name] = value;
        }

        return this;
    }

    /// <summary>The finished event; the kind is lower-cased as the domain requires.</summary>
    public CanonicalEvent Build(IngestEnvelope envelope, string source, string eventId, string type, DateTimeOffset occurredAt, string kind, string id) =>
        new(envelope.Tenant, source, eventId, type, occurredAt, new EntityRef(kind.ToLowerInvariant(), id), measures, attributes);
}
