using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.PagerDuty;

/// <summary>
/// PagerDuty v3 webhook subscriptions (<c>{"event": {...}}</c>). Dedup id: <c>event.id</c>; type: <c>event.event_type</c>
/// (e.g. <c>incident.triggered</c>); event time: <c>event.occurred_at</c>; entity: <c>event.resource_type</c>/<c>event.data.id</c>.
/// Incident status, urgency, priority, number, title and service are attributes.
/// </summary>
public sealed class PagerDutyAdapter : ISourceAdapter
{
    /// <inheritdoc />
    public string Name => "pagerduty";

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterRun.Map(envelope, Map);

    private AdapterResult Map(IngestEnvelope envelope)
    {
        using var document = AdapterJson.Parse(envelope.Body);
        var root = AdapterJson.RootObject(document);
        var evt = AdapterJson.Object(root, "", "event");
        var id = AdapterJson.String(evt, "event", "id");
        var type = AdapterJson.String(evt, "event", "event_type").ToLowerInvariant();
        var kind = AdapterJson.String(evt, "event", "resource_type");
        var occurredAt = AdapterJson.Timestamp(evt, "event", "occurred_at");
        var data = AdapterJson.Object(evt, "event", "data");
        var entityId = AdapterJson.Id(data, "event.data", "id");

        var builder = new AdapterEventBuilder()
            .Attribute("status", AdapterJson.Scalar(data, "status"))
            .Attribute("urgency", AdapterJson.Scalar(data, "urgency"))
            .Attribute("number", AdapterJson.Scalar(data, "number"))
            .Attribute("title", AdapterJson.Scalar(data, "title"));
        if (AdapterJson.OptionalObject(data, "event.data", "service") is { } service)
        {
            builder.Attribute("service", AdapterJson.Scalar(service, "summary") ?? AdapterJson.Scalar(service, "id"));
        }

        if (AdapterJson.OptionalObject(data, "event.data", "priority") is { } priority)
        {
            builder.Attribute("priority", AdapterJson.Scalar(priority, "summary"));
        }

        return AdapterResult.Of(builder.Build(envelope, Name, id, type, occurredAt, kind, entityId));
    }
}
