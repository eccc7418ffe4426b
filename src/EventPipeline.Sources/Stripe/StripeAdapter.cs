using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Stripe;

/// <summary>
/// Stripe event objects. Dedup id: <c>id</c>; type: <c>type</c> (e.g. <c>charge.succeeded</c>); event time: <c>created</c>
/// (Unix seconds); entity: <c>data.object.object</c>/<c>data.object.id</c>. Amounts stay in minor units as Stripe sends
/// them (<c>amount</c>, <c>amount_refunded</c>, <c>amount_due</c>, <c>amount_paid</c>); <c>currency</c> and <c>status</c> are attributes.
/// </summary>
public sealed class StripeAdapter : ISourceAdapter
{
    private static readonly string[] AmountFields = ["amount", "amount_refunded", "amount_due", "amount_paid", "amount_total"];

    /// <inheritdoc />
    public string Name => "stripe";

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterRun.Map(envelope, Map);

    private AdapterResult Map(IngestEnvelope envelope)
    {
        using var document = AdapterJson.Parse(envelope.Body);
        var root = AdapterJson.RootObject(document);
        var id = AdapterJson.String(root, "", "id");
        var type = AdapterJson.String(root, "", "type").ToLowerInvariant();
        var created = AdapterJson.UnixSeconds(root, "", "created");
        var data = AdapterJson.Object(root, "", "data");
        var obj = AdapterJson.Object(data, "data", "object");
        var kind = AdapterJson.String(obj, "data.object", "object");
        var entityId = AdapterJson.String(obj, "data.object", "id");

        var builder = new AdapterEventBuilder()
            .Attribute("currency", AdapterJson.OptionalString(obj, "data.object", "currency"))
            .Attribute("status", AdapterJson.Scalar(obj, "status"))
            .Attribute("livemode", AdapterJson.Scalar(root, "livemode"));
        if (obj.TryGetProperty("customer", out var customer) && customer.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            // Expanded customers are objects; only the id is a stable attribute.
            builder.Attribute("customer", customer.GetString());
        }

        foreach (var field in AmountFields)
        {
            builder.Measure(field, AdapterJson.OptionalNumber(obj, "data.object", field));
        }

        return AdapterResult.Of(builder.Build(envelope, Name, id, type, created, kind, entityId));
    }
}
