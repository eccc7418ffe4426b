using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Common;

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
    /// <summary>The source name.</summary>
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
            notices = ParseNotices(envelope.Body, fetcher);
        }
        catch (RejectionException e)
        {
            return new AdapterResult.Rejected(e.Rejection);
        }

        var events = new List<CanonicalEvent>(notices.Count);
        foreach (var n in notices)
        {
            var time = envelope.ReceivedAt;
            IReadOnlyDictionary<string, string> attributes = new Dictionary<string, string>();
            if (!string.Equals(n.ChangeType, "deleted", StringComparison.OrdinalIgnoreCase))
            {
                var resource = await fetcher.FetchAsync(tenant, n.Resource, cancellationToken);
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

    private sealed record Notice(string Path, string EventId, string ChangeType, string Resource, EntityRef Entity);

    private static List<Notice> ParseNotices(string body, GraphResourceFetcher fetcher)
    {
        using var doc = JsonPayload.Parse(body);
        var root = JsonPayload.RequireObject(doc.RootElement, "");
        var value = JsonPayload.Optional(root, "value") ?? throw RejectionException.For("value", "required");
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw RejectionException.For("value", "must be an array");
        }

        var notices = new List<Notice>();
        var i = 0;
        foreach (var n in value.EnumerateArray())
        {
            var at = JsonPayload.Index("value", i++);
            JsonPayload.RequireObject(n, at);
            var subscriptionId = JsonPayload.RequireString(n, "subscriptionId", at);
            var changeType = JsonPayload.RequireString(n, "changeType", at);
            var resource = JsonPayload.RequireString(n, "resource", at);
            if (fetcher.Resolve(resource) is null)
            {
                throw RejectionException.For(JsonPayload.Path(at, "resource"), "must be a relative Graph path");
            }

            var dataPath = JsonPayload.Path(at, "resourceData");
            var data = JsonPayload.RequireObject(JsonPayload.Optional(n, "resourceData") ?? throw RejectionException.For(dataPath, "required"), dataPath);
            var odataType = JsonPayload.RequireString(data, "@odata.type", dataPath);
            var id = JsonPayload.RequireId(data, "id", dataPath);
            var etag = JsonPayload.OptionalString(data, "@odata.etag", dataPath) ?? "";
            var dot = odataType.LastIndexOf('.');
            var kind = (dot >= 0 ? odataType[(dot + 1)..] : odataType).TrimStart('#');
            if (kind.Length == 0)
            {
                throw RejectionException.For(JsonPayload.Path(dataPath, "@odata.type"), "must name a type, e.g. #Microsoft.Graph.Message");
            }

            var eventId = SecretChecks.StableId(subscriptionId, resource, changeType, etag);
            notices.Add(new Notice(at, eventId, changeType, resource, new EntityRef(AdapterBoundary.Kind(kind), id)));
        }

        return notices.Count == 0 ? throw RejectionException.For("value", "must contain at least one notification") : notices;
    }
}
