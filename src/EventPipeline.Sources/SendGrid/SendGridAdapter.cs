using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.SendGrid;

/// <summary>
/// SendGrid's event webhook: a JSON array of events, fanned out to one canonical event each. Dedup id: <c>sg_event_id</c>;
/// type: <c>event</c> (e.g. <c>delivered</c>); event time: <c>timestamp</c> (Unix seconds); entity:
/// <c>message</c>/<c>sg_message_id</c>. A measure named after the event counts 1 (<c>delivered</c> = 1, <c>open</c> = 1).
/// One malformed element rejects the whole post (naming <c>[i].field</c>), so no event is dropped silently.
/// </summary>
public sealed class SendGridAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "sendgrid";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static List<CanonicalEvent> Map(IngestEnvelope envelope)
    {
        using var document = JsonFields.Parse(envelope);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw RejectionException.For("body", "must be a JSON array");
        }

        if (root.GetArrayLength() == 0)
        {
            throw RejectionException.For("body", "must contain at least one event");
        }

        var events = new List<CanonicalEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            var path = $"[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw RejectionException.For(path, "must be an object");
            }

            var id = JsonFields.String(element, path, "sg_event_id");
            var type = AdapterBoundary.Lower(JsonFields.String(element, path, "event"));
            var occurredAt = JsonFields.UnixSeconds(element, path, "timestamp");
            var messageId = JsonFields.String(element, path, "sg_message_id");
            if (!seen.Add(id))
            {
                // The same event twice in one post is one event; the pipeline would deduplicate it anyway.
                continue;
            }

            var builder = new EventBuilder()
                .Measure(type, 1m)
                .Attribute("status", type)
                .Attribute("email", JsonFields.Scalar(element, "email"))
                .Attribute("reason", JsonFields.Scalar(element, "reason"))
                .Attribute("bounce_type", type == "bounce" ? JsonFields.Scalar(element, "type") : null)
                .Attribute("url", JsonFields.Scalar(element, "url"));
            events.Add(builder.Build(envelope, SourceName, id, type, occurredAt, "message", messageId));
        }

        return events;
    }
}
