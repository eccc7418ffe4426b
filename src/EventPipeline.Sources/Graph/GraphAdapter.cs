using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Graph;

/// <summary>
/// Microsoft Graph change notifications — the "thin" source: a notification says only what changed
/// (<c>{"value":[{subscriptionId, changeType, resource, resourceData, clientState, ...}]}</c>), so the adapter fetches each
/// resource from Graph (<see cref="GraphResourceFetcher"/>) to learn its state.
/// <list type="bullet">
/// <item>One event per notification. Dedup id: SHA-256 hex of (subscriptionId, resource, changeType,
/// <c>resourceData.@odata.etag</c>): Graph may deliver a notification more than once, and the etag separates real changes.</item>
/// <item>Type: <c>changeType</c> (created, updated, deleted). Entity: kind = last segment of
/// <c>resourceData.@odata.type</c> lower-cased (<c>#Microsoft.Graph.Message</c> → <c>message</c>), id = <c>resourceData.id</c>.</item>
/// <item>Event time: the fetched resource's <c>lastModifiedDateTime</c>, else receipt time. Attributes: the fetched
/// resource's top-level strings and numbers.</item>
/// <item>Deleted: no fetch. 404/410 on fetch for another change type: rejected (the resource is gone, nothing to
/// enrich). Graph unavailable: <see cref="TransientSourceException"/>, so the record is retried, never dropped.</item>
/// </list>
/// </summary>
public sealed class GraphAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "graph";

    private readonly GraphResourceFetcher fetcher;

    /// <summary>Creates the adapter around its fetcher (one per cold start: the circuit breaker's state lives there).</summary>
    public GraphAdapter(GraphResourceFetcher fetcher)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        this.fetcher = fetcher;
    }

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public async ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        List<Notice> notices;
        string tenant;
        try
        {
            tenant = AdapterBoundary.RequireTenant(envelope);
            notices = ParseNotices(envelope, fetcher);
        }
        catch (RejectionException e)
        {
            return new AdapterResult.Rejected(e.Rejection);
        }

        var events = new List<CanonicalEvent>(notices.Count);
        foreach (var n in notices)
        {
            var time = envelope.ReceivedAt;
            IReadOnlyDictionary<string, string> attributes = FieldDictionary<string>.Empty;
            if (!string.Equals(n.ChangeType, "deleted", StringComparison.OrdinalIgnoreCase))
            {
                var resource = await fetcher.FetchAsync(tenant, n.Url, cancellationToken);
                if (resource is null)
                {
                    return AdapterResult.Reject(n.Path + ".resource", "resource no longer exists in Graph (404) for a change that is not 'deleted'");
                }

                attributes = resource.Fields;
                time = resource.LastModified ?? time;
            }

            events.Add(new CanonicalEvent(tenant, SourceName, n.EventId, n.ChangeType, time, n.Entity, AdapterBoundary.NoMeasures, attributes));
        }

        return AdapterBoundary.Accept(events);
    }

    private sealed record Notice(string Path, string EventId, string ChangeType, Uri Url, EntityRef Entity);

    private static List<Notice> ParseNotices(IngestEnvelope envelope, GraphResourceFetcher fetcher)
    {
        using var doc = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(doc);
        var value = JsonFields.Optional(root, "value") ?? throw RejectionException.For("value", "required");
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw RejectionException.For("value", "must be an array");
        }

        var notices = new List<Notice>();
        var i = 0;
        foreach (var n in value.EnumerateArray())
        {
            var at = JsonFields.Index("value", i++);
            JsonFields.ObjectAt(n, at);
            var subscriptionId = JsonFields.String(n, at, "subscriptionId");
            var changeType = JsonFields.String(n, at, "changeType");
            var resource = JsonFields.String(n, at, "resource");
            if (fetcher.Resolve(resource) is not { } url)
            {
                throw RejectionException.For(JsonFields.Path(at, "resource"), "must be a relative Graph path");
            }

            var dataPath = JsonFields.Path(at, "resourceData");
            var data = JsonFields.Object(n, at, "resourceData");
            var odataType = JsonFields.String(data, dataPath, "@odata.type");
            var id = JsonFields.Id(data, dataPath, "id");
            var etag = JsonFields.OptionalString(data, dataPath, "@odata.etag") ?? "";
            var dot = odataType.LastIndexOf('.');
            var kind = (dot >= 0 ? odataType[(dot + 1)..] : odataType).TrimStart('#');
            if (kind.Length == 0)
            {
                throw RejectionException.For(JsonFields.Path(dataPath, "@odata.type"), "must name a type, e.g. #Microsoft.Graph.Message");
            }

            var eventId = StableId.Of(subscriptionId, resource, changeType, etag);
            notices.Add(new Notice(at, eventId, changeType, url, new EntityRef(AdapterBoundary.Kind(kind), id)));
        }

        return notices.Count == 0 ? throw RejectionException.For("value", "must contain at least one notification") : notices;
    }
}
