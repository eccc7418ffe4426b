using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Zendesk;

/// <summary>
/// Zendesk event webhooks. Dedup id: <c>id</c>; type: <c>type</c> without its <c>zen:event-type:</c> prefix
/// (<c>ticket.status_changed</c>); event time: <c>time</c>; entity: the kind from <c>subject</c>
/// (<c>zen:ticket:35436</c> → <c>ticket</c>) and <c>detail.id</c>, else the subject's id. Status, priority and role of the
/// detail object are attributes.
/// </summary>
public sealed class ZendeskAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "zendesk";

    private const string TypePrefix = "zen:event-type:";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        using var document = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(document);
        var id = JsonFields.String(root, "", "id");
        var rawType = JsonFields.String(root, "", "type");
        var type = AdapterBoundary.Lower(rawType.StartsWith(TypePrefix, StringComparison.OrdinalIgnoreCase) ? rawType[TypePrefix.Length..] : rawType);
        if (type.Length == 0)
        {
            throw RejectionException.For("type", "must name an event type after 'zen:event-type:'");
        }

        var occurredAt = JsonFields.Timestamp(root, "", "time");
        var subject = JsonFields.String(root, "", "subject");
        var parts = subject.Split(':');
        if (parts.Length < 3 || parts[0] != "zen" || parts[1].Length == 0 || parts[2].Length == 0)
        {
            throw RejectionException.For("subject", "must be 'zen:{kind}:{id}'");
        }

        var detail = JsonFields.OptionalObject(root, "", "detail");
        var entityId = detail is { } d && d.TryGetProperty("id", out _) ? JsonFields.Id(d, "detail", "id") : parts[2];

        var builder = new EventBuilder()
            .Attribute("account_id", JsonFields.Scalar(root, "account_id"));
        if (detail is { } detailObject)
        {
            builder.Attribute("status", JsonFields.Scalar(detailObject, "status"))
                .Attribute("priority", JsonFields.Scalar(detailObject, "priority"))
                .Attribute("role", JsonFields.Scalar(detailObject, "role"))
                .Attribute("assignee_id", JsonFields.Scalar(detailObject, "assignee_id"));
        }

        return builder.Build(envelope, SourceName, id, type, occurredAt, parts[1], entityId);
    }
}
