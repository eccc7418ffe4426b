using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.PagerDuty;

/// <summary>
/// PagerDuty v3 webhook subscriptions (<c>{"event": {...}}</c>). Dedup id: <c>event.id</c>; type: <c>event.event_type</c>
/// (e.g. <c>incident.triggered</c>); event time: <c>event.occurred_at</c>; entity: <c>event.resource_type</c>/<c>event.data.id</c>.
/// Incident status, urgency, priority, number, title and service are attributes.
/// </summary>
public sealed class PagerDutyAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "pagerduty";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        using var document = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(document);
        var evt = JsonFields.Object(root, "", "event");
        var id = JsonFields.String(evt, "event", "id");
        var type = AdapterBoundary.Lower(JsonFields.String(evt, "event", "event_type"));
        var kind = JsonFields.String(evt, "event", "resource_type");
        var occurredAt = JsonFields.Timestamp(evt, "event", "occurred_at");
        var data = JsonFields.Object(evt, "event", "data");
        var entityId = JsonFields.Id(data, "event.data", "id");

        var builder = new EventBuilder()
            .Attribute("status", JsonFields.Scalar(data, "status"))
            .Attribute("urgency", JsonFields.Scalar(data, "urgency"))
            .Attribute("number", JsonFields.Scalar(data, "number"))
            .Attribute("title", JsonFields.Scalar(data, "title"));
        if (JsonFields.OptionalObject(data, "event.data", "service") is { } service)
        {
            builder.Attribute("service", JsonFields.Scalar(service, "summary") ?? JsonFields.Scalar(service, "id"));
        }

        if (JsonFields.OptionalObject(data, "event.data", "priority") is { } priority)
        {
            builder.Attribute("priority", JsonFields.Scalar(priority, "summary"));
        }

        return builder.Build(envelope, SourceName, id, type, occurredAt, kind, entityId);
    }
}
