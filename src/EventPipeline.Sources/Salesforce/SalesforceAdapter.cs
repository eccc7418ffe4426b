using System.Globalization;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Salesforce;

/// <summary>
/// Salesforce Change Data Capture events as relayed JSON. Accepted shapes: the event payload itself (fields plus
/// <c>ChangeEventHeader</c>), the Streaming API message (<c>{"data":{"payload":{...}}}</c> or <c>{"payload":{...}}</c>),
/// or a JSON array of any of these.
/// <list type="bullet">
/// <item>One event per entry of <c>ChangeEventHeader.recordIds</c> (a change can cover many records of one entity).</item>
/// <item>Dedup id: <c>transactionKey:sequenceNumber</c>, plus <c>:recordId</c> when the change covers several records.</item>
/// <item>Event time: <c>commitTimestamp</c> (epoch ms). Type: <c>changeType</c> (CREATE, UPDATE, DELETE, UNDELETE, GAP_*).</item>
/// <item>Entity: <c>entityName</c> lower-cased / the record id.</item>
/// <item>Attributes: the changed top-level scalar fields (numbers too: record fields are state, not measures);
/// <c>changeOrigin</c>/<c>commitUser</c> are not copied.</item>
/// </list>
/// </summary>
public sealed class SalesforceAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "salesforce";

    private const string HeaderName = "ChangeEventHeader";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static List<CanonicalEvent> Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        using var doc = JsonFields.Parse(envelope);
        var root = doc.RootElement;
        var events = new List<CanonicalEvent>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in root.EnumerateArray())
            {
                MapChange(tenant, item, JsonFields.Index("", i++), events);
            }
        }
        else
        {
            MapChange(tenant, root, "", events);
        }

        return events;
    }

    private static void MapChange(string tenant, JsonElement message, string at, List<CanonicalEvent> events)
    {
        var (payload, payloadPath) = FindPayload(JsonFields.ObjectAt(message, at), at);
        var headerPath = JsonFields.Path(payloadPath, HeaderName);
        var header = JsonFields.Object(payload, payloadPath, HeaderName);

        var entityName = JsonFields.String(header, headerPath, "entityName");
        var changeType = JsonFields.String(header, headerPath, "changeType");
        var transactionKey = JsonFields.String(header, headerPath, "transactionKey");
        var sequence = JsonFields.Optional(header, "sequenceNumber") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var s) && s >= 0
            ? s.ToString(CultureInfo.InvariantCulture)
            : throw RejectionException.For(JsonFields.Path(headerPath, "sequenceNumber"), "required non-negative integer");
        var time = JsonFields.UnixMilliseconds(header, headerPath, "commitTimestamp");

        var recordIdsPath = JsonFields.Path(headerPath, "recordIds");
        var recordIds = JsonFields.Optional(header, "recordIds") is { ValueKind: JsonValueKind.Array } ids
            ? ids.EnumerateArray().Select((r, i) => r.ValueKind == JsonValueKind.String && r.GetString()!.Length > 0
                ? r.GetString()!
                : throw RejectionException.For(JsonFields.Index(recordIdsPath, i), "must be a non-empty string")).ToList()
            : throw RejectionException.For(recordIdsPath, "required array");
        if (recordIds.Count == 0)
        {
            throw RejectionException.For(recordIdsPath, "must not be empty");
        }

        if (recordIds.Distinct(StringComparer.Ordinal).Count() != recordIds.Count)
        {
            throw RejectionException.For(recordIdsPath, "must not repeat a record id");
        }

        var attributes = new FieldDictionary<string>();
        // ChangeEventHeader is an object, so CollectScalars leaves it out; nested compound fields are skipped too.
        JsonFields.CollectScalars(payload, null, attributes);
        var kind = AdapterBoundary.Kind(entityName);
        var baseId = transactionKey + ":" + sequence;
        foreach (var recordId in recordIds)
        {
            var eventId = recordIds.Count > 1 ? baseId + ":" + recordId : baseId;
            events.Add(new CanonicalEvent(tenant, SourceName, eventId, changeType, time, new EntityRef(kind, recordId), AdapterBoundary.NoMeasures, attributes));
        }
    }

    // The relay may forward the bare payload or the Streaming API envelope around it.
    private static (JsonElement Payload, string Path) FindPayload(JsonElement message, string at)
    {
        if (JsonFields.Optional(message, HeaderName) is not null)
        {
            return (message, at);
        }

        if (JsonFields.Optional(message, "data") is { ValueKind: JsonValueKind.Object } data &&
            JsonFields.Optional(data, "payload") is { ValueKind: JsonValueKind.Object } dataPayload)
        {
            return (dataPayload, JsonFields.Path(at, "data.payload"));
        }

        if (JsonFields.Optional(message, "payload") is { ValueKind: JsonValueKind.Object } payload)
        {
            return (payload, JsonFields.Path(at, "payload"));
        }

        throw RejectionException.For(JsonFields.Path(at, HeaderName), "required");
    }
}
