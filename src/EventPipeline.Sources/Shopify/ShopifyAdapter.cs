using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Shopify;

/// <summary>
/// Shopify webhooks. Dedup id: <c>X-Shopify-Event-Id</c>, else <c>X-Shopify-Webhook-Id</c>; type: <c>X-Shopify-Topic</c>
/// with <c>/</c> as <c>.</c> (<c>orders/create</c> → <c>orders.create</c>); entity: the topic's resource in the singular
/// (<c>order</c>) and the body's <c>id</c>; event time: <c>X-Shopify-Triggered-At</c>, else the body's <c>updated_at</c>,
/// else the receipt time. <c>total_price</c> (decimal text in the shop's currency) becomes a measure.
/// </summary>
public sealed class ShopifyAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "shopify";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var eventId = AdapterBoundary.OptionalHeader(envelope, "X-Shopify-Event-Id")
            ?? AdapterBoundary.RequiredHeader(envelope, "X-Shopify-Webhook-Id");
        var topic = AdapterBoundary.Lower(AdapterBoundary.RequiredHeader(envelope, "X-Shopify-Topic"));
        var slash = topic.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == topic.Length - 1)
        {
            throw RejectionException.For("header:X-Shopify-Topic", "must be '{resource}/{event}'");
        }

        DateTimeOffset? triggeredAt = null;
        if (AdapterBoundary.OptionalHeader(envelope, "X-Shopify-Triggered-At") is { } triggered)
        {
            triggeredAt = Timestamps.TryParseRfc3339(triggered, out var at)
                ? at
                : throw RejectionException.For("header:X-Shopify-Triggered-At", "must be an RFC 3339 timestamp");
        }

        using var document = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(document);
        var id = JsonFields.Id(root, "", "id");
        var occurredAt = triggeredAt ?? JsonFields.OptionalTimestamp(root, "", "updated_at") ?? envelope.ReceivedAt;

        var builder = new EventBuilder()
            .Measure("total_price", JsonFields.OptionalDecimalText(root, "", "total_price"))
            .Attribute("currency", JsonFields.OptionalString(root, "", "currency"))
            .Attribute("financial_status", JsonFields.Scalar(root, "financial_status"))
            .Attribute("fulfillment_status", JsonFields.Scalar(root, "fulfillment_status"))
            .Attribute("status", JsonFields.Scalar(root, "status"))
            .Attribute("shop", AdapterBoundary.OptionalHeader(envelope, "X-Shopify-Shop-Domain"));
        if (root.TryGetProperty("line_items", out var items) && items.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            builder.Measure("line_items", items.GetArrayLength());
        }

        var type = topic.Replace('/', '.');
        return builder.Build(envelope, SourceName, eventId, type, occurredAt, Singular(topic[..slash]), id);
    }

    // Topic resources are plural collection names (orders, inventory_items, companies); entity kinds are singular.
    private static string Singular(string resource) => resource switch
    {
        _ when resource.EndsWith("ies", StringComparison.Ordinal) => resource[..^3] + "y",
        _ when resource.EndsWith("sses", StringComparison.Ordinal) => resource[..^2],
        _ when resource.EndsWith("ss", StringComparison.Ordinal) => resource,
        _ when resource.EndsWith('s') => resource[..^1],
        _ => resource,
    };
}
