using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Segment;

/// <summary>
/// Segment Spec messages (identify, track, page, screen, group, alias) as a Segment webhook destination posts them:
/// one message, or a <c>{"batch":[...]}</c> of messages which fans out.
/// <list type="bullet">
/// <item>Dedup id: <c>messageId</c>. Event time: <c>timestamp</c>, else <c>originalTimestamp</c>.</item>
/// <item>Type: <c>type</c>, plus <c>.</c> + <c>event</c> for track calls (<c>track.Order Completed</c>).</item>
/// <item>Entity: <c>user/{userId}</c>, else <c>anonymous/{anonymousId}</c>.</item>
/// <item>Measures: numeric <c>properties</c> (track, page, screen). Attributes: string/bool properties and all
/// <c>traits</c> (identify, group: traits are state, so numbers stay attributes), plus <c>event</c>/<c>name</c>.</item>
/// </list>
/// </summary>
public sealed class SegmentAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "segment";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static List<CanonicalEvent> Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        using var doc = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(doc);
        var events = new List<CanonicalEvent>();
        if (JsonFields.Optional(root, "batch") is { } batch)
        {
            if (batch.ValueKind != JsonValueKind.Array)
            {
                throw RejectionException.For("batch", "must be an array");
            }

            var i = 0;
            foreach (var message in batch.EnumerateArray())
            {
                events.Add(MapMessage(tenant, message, JsonFields.Index("batch", i++)));
            }
        }
        else
        {
            events.Add(MapMessage(tenant, root, ""));
        }

        return events;
    }

    private static CanonicalEvent MapMessage(string tenant, JsonElement message, string at)
    {
        JsonFields.ObjectAt(message, at);
        var messageId = JsonFields.String(message, at, "messageId");
        var kind = JsonFields.String(message, at, "type");
        var time = JsonFields.OptionalTimestamp(message, at, "timestamp", Timestamps.TryParseAssumingUtc)
            ?? JsonFields.OptionalTimestamp(message, at, "originalTimestamp", Timestamps.TryParseAssumingUtc)
            ?? throw RejectionException.For(JsonFields.Path(at, "timestamp"), "required");

        var attributes = new FieldDictionary<string>();
        var type = kind;
        if (kind == "track")
        {
            var name = JsonFields.String(message, at, "event");
            type = kind + "." + name;
            attributes.Set("event", name);
        }
        else if (JsonFields.OptionalString(message, at, "name") is { Length: > 0 } pageName)
        {
            attributes.Set("name", pageName);
        }

        var userId = OptionalId(message, "userId", at);
        var anonymousId = OptionalId(message, "anonymousId", at);
        var entity = userId is not null
            ? new EntityRef("user", userId)
            : anonymousId is not null
                ? new EntityRef("anonymous", anonymousId)
                : throw RejectionException.For(JsonFields.Path(at, "userId"), "userId or anonymousId required");

        var measures = new FieldDictionary<decimal>(0);
        if (JsonFields.OptionalObject(message, at, "properties") is { } properties)
        {
            JsonFields.CollectScalars(properties, measures, attributes);
        }

        if (JsonFields.OptionalObject(message, at, "traits") is { } traits)
        {
            JsonFields.CollectScalars(traits, null, attributes);
        }

        return new CanonicalEvent(tenant, SourceName, messageId, type, time, entity, measures, attributes);
    }

    // Segment ids are strings, but some libraries send numeric user ids; empty means absent.
    private static string? OptionalId(JsonElement message, string name, string at) =>
        JsonFields.Optional(message, name) is null ? null : JsonFields.Id(message, at, name);
}
