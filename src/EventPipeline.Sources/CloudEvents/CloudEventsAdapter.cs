using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.CloudEvents;

/// <summary>
/// CloudEvents 1.0 in the structured JSON mode (<c>application/cloudevents+json</c>), either posted to the webhook or
/// put on the stream directly by a producer, and the batched mode (<c>application/cloudevents-batch+json</c>, a JSON
/// array) which fans out one event per element.
/// <list type="bullet">
/// <item>Dedup id: <c>source + "#" + id</c> (the spec makes source+id unique).</item>
/// <item>Event time: <c>time</c>, else the envelope's receipt time.</item>
/// <item>Type: <c>type</c>.</item>
/// <item>Entity: from <c>subject</c>. A subject with <c>/</c> is split at the first <c>/</c> into kind and id
/// (<c>order/42</c> → <c>order</c> / <c>42</c>; <c>users/7/avatar</c> → <c>users</c> / <c>7/avatar</c>). A subject without
/// <c>/</c> is the id, and the kind is the last dot-separated segment of <c>type</c>
/// (<c>io.example.temperature.reading</c> + <c>sensor-7</c> → <c>reading/sensor-7</c>): producers put the noun last often
/// enough, and the rule is predictable when they do not. Without a subject the kind is <c>source</c> and the id the
/// <c>source</c> attribute, so the event still updates a view (the producer's).</item>
/// <item>Measures: numeric top-level fields of <c>data</c> when it is a JSON object; string/bool fields are attributes.</item>
/// <item>Tenant: the envelope's tenant, else the <c>tenant</c> extension attribute; rejected (<c>tenant</c>, required) when both are empty.</item>
/// </list>
/// </summary>
public sealed class CloudEventsAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "cloudevents";

    /// <summary>Content type of one structured-mode CloudEvent.</summary>
    public const string StructuredContentType = "application/cloudevents+json";

    /// <summary>Content type of a batch of CloudEvents (a JSON array).</summary>
    public const string BatchContentType = "application/cloudevents-batch+json";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <summary>
    /// Cheap check whether a stream record is a structured CloudEvent rather than an ingest envelope: a top-level JSON
    /// object with a <c>specversion</c> member. Never throws.
    /// </summary>
    public static bool LooksLikeCloudEvent(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("specversion"u8))
                {
                    return true;
                }

                // Skip the value (objects and arrays as a whole); a truncated record simply ends the scan.
                if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static List<CanonicalEvent> Map(IngestEnvelope envelope)
    {
        using var doc = JsonFields.Parse(envelope);
        var root = doc.RootElement;
        var events = new List<CanonicalEvent>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in root.EnumerateArray())
            {
                events.Add(MapOne(envelope, item, JsonFields.Index("", i)));
                i++;
            }

            if (i == 0)
            {
                throw RejectionException.For("body", "batch must contain at least one CloudEvent");
            }
        }
        else
        {
            events.Add(MapOne(envelope, root, ""));
        }

        return events;
    }

    private static CanonicalEvent MapOne(IngestEnvelope envelope, JsonElement ce, string at)
    {
        JsonFields.ObjectAt(ce, at);
        var specVersion = JsonFields.String(ce, at, "specversion");
        if (specVersion != "1.0")
        {
            throw RejectionException.For(JsonFields.Path(at, "specversion"), "must be \"1.0\"");
        }

        var id = JsonFields.String(ce, at, "id");
        var source = JsonFields.String(ce, at, "source");
        var type = JsonFields.String(ce, at, "type");
        var tenant = !string.IsNullOrWhiteSpace(envelope.Tenant)
            ? envelope.Tenant
            : JsonFields.OptionalString(ce, at, "tenant");
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw RejectionException.For(JsonFields.Path(at, "tenant"), "required");
        }

        var time = JsonFields.OptionalTimestamp(ce, at, "time", Timestamps.TryParseAssumingUtc) ?? envelope.ReceivedAt;
        var subject = JsonFields.OptionalString(ce, at, "subject");
        var entity = EntityFor(subject, type, source);

        var measures = new FieldDictionary<decimal>(0);
        var attributes = new FieldDictionary<string>();
        if (JsonFields.Optional(ce, "data") is { ValueKind: JsonValueKind.Object } data)
        {
            JsonFields.CollectScalars(data, measures, attributes);
        }

        return new CanonicalEvent(tenant, SourceName, source + "#" + id, type, time, entity, measures, attributes);
    }

    private static EntityRef EntityFor(string? subject, string type, string source)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return new EntityRef("source", source);
        }

        var slash = subject.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < subject.Length - 1)
        {
            return new EntityRef(AdapterBoundary.Kind(subject[..slash]), subject[(slash + 1)..]);
        }

        var dot = type.LastIndexOf('.');
        var kind = dot >= 0 && dot < type.Length - 1 ? type[(dot + 1)..] : type;
        return new EntityRef(AdapterBoundary.Kind(kind), subject.Trim('/'));
    }
}
