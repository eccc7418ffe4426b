using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.EventBridge;

/// <summary>
/// Amazon EventBridge events (the documented envelope: <c>version, id, detail-type, source, account, time, region,
/// resources, detail</c>), delivered by an API destination or a relay.
/// <list type="bullet">
/// <item>Dedup id: <c>id</c>. Event time: <c>time</c>. Type: <c>source:detail-type</c>.</item>
/// <item>Entity, first match: <c>detail.id</c> (kind = last dot-separated segment of <c>source</c>, e.g.
/// <c>com.example.orders</c> → <c>orders</c>); else the first top-level <c>detail</c> field named like
/// <c>instance-id</c>, <c>orderId</c> or <c>user_id</c> (kind = the name without the suffix); else the first ARN of
/// <c>resources</c> (kind = the ARN's resource type, e.g. <c>instance</c>; id = the whole ARN); else kind = the <c>source</c> value,
/// id = <c>detail-type</c>.</item>
/// <item>Measures: numeric top-level <c>detail</c> fields; attributes: its string/bool fields plus <c>account</c>, <c>region</c>.</item>
/// </list>
/// </summary>
public sealed class EventBridgeAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "eventbridge";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        using var doc = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(doc);
        var id = JsonFields.String(root, "", "id");
        var source = JsonFields.String(root, "", "source");
        var detailType = JsonFields.String(root, "", "detail-type");
        var time = JsonFields.Timestamp(root, "", "time", Timestamps.TryParseAssumingUtc);
        var detail = JsonFields.OptionalObject(root, "", "detail");

        var resources = JsonFields.Optional(root, "resources");
        if (resources is { ValueKind: not JsonValueKind.Array })
        {
            throw RejectionException.For("resources", "must be an array");
        }

        var entity = FromDetail(detail, source) ?? FromResources(resources) ?? new EntityRef(AdapterBoundary.Kind(source), detailType);

        var measures = new FieldDictionary<decimal>(0);
        var attributes = new FieldDictionary<string>();
        if (detail is { } details)
        {
            JsonFields.CollectScalars(details, measures, attributes);
        }

        foreach (var name in (string[])["account", "region"])
        {
            if (JsonFields.OptionalString(root, "", name) is { Length: > 0 } value)
            {
                attributes.Set(name, value);
            }
        }

        return new CanonicalEvent(tenant, SourceName, id, source + ":" + detailType, time, entity, measures, attributes);
    }

    private static EntityRef? FromDetail(JsonElement? detail, string source)
    {
        if (detail is not { } d)
        {
            return null;
        }

        if (JsonFields.Optional(d, "id") is not null)
        {
            var dot = source.LastIndexOf('.');
            var kind = dot >= 0 && dot < source.Length - 1 ? source[(dot + 1)..] : source;
            return new EntityRef(AdapterBoundary.Kind(kind), JsonFields.Id(d, "detail", "id"));
        }

        foreach (var p in d.EnumerateObject())
        {
            var kind = IdFieldKind(p.Name);
            if (kind is not null && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                return new EntityRef(AdapterBoundary.Kind(kind), JsonFields.Id(d, "detail", p.Name));
            }
        }

        return null;
    }

    // "instance-id" → "instance", "orderId" → "order", "user_id" → "user"; anything else is not an id field.
    private static string? IdFieldKind(string name)
    {
        foreach (var suffix in (string[])["-id", "_id", "Id"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private static EntityRef? FromResources(JsonElement? resources)
    {
        if (resources is not { } r || r.GetArrayLength() == 0)
        {
            return null;
        }

        var first = r[0];
        if (first.ValueKind != JsonValueKind.String || first.GetString()!.Length == 0)
        {
            throw RejectionException.For("resources[0]", "must be a non-empty string (an ARN)");
        }

        var arn = first.GetString()!;
        // arn:partition:service:region:account:resource, where resource is "type/id", "type:id" or just "id".
        var parts = arn.Split(':', 6);
        var kind = "resource";
        if (parts.Length == 6)
        {
            var resource = parts[5];
            var cut = resource.IndexOfAny(['/', ':']);
            kind = cut > 0 ? resource[..cut] : parts[2];
        }

        return new EntityRef(AdapterBoundary.Kind(kind), arn);
    }
}
