using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.Stripe;

/// <summary>
/// Stripe event objects. Dedup id: <c>id</c>; type: <c>type</c> (e.g. <c>charge.succeeded</c>); event time: <c>created</c>
/// (Unix seconds); entity: <c>data.object.object</c>/<c>data.object.id</c>. Amounts stay in minor units as Stripe sends
/// them (<c>amount</c>, <c>amount_refunded</c>, <c>amount_due</c>, <c>amount_paid</c>); <c>currency</c> and <c>status</c> are attributes.
/// </summary>
public sealed class StripeAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "stripe";

    private static readonly string[] AmountFields = ["amount", "amount_refunded", "amount_due", "amount_paid", "amount_total"];

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
        var type = AdapterBoundary.Lower(JsonFields.String(root, "", "type"));
        var created = JsonFields.UnixSeconds(root, "", "created");
        var data = JsonFields.Object(root, "", "data");
        var obj = JsonFields.Object(data, "data", "object");
        var kind = JsonFields.String(obj, "data.object", "object");
        var entityId = JsonFields.String(obj, "data.object", "id");

        var builder = new EventBuilder()
            .Attribute("currency", JsonFields.OptionalString(obj, "data.object", "currency"))
            .Attribute("status", JsonFields.Scalar(obj, "status"))
            .Attribute("livemode", JsonFields.Scalar(root, "livemode"));
        if (obj.TryGetProperty("customer", out var customer) && customer.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            // Expanded customers are objects; only the id is a stable attribute.
            builder.Attribute("customer", customer.GetString());
        }

        foreach (var field in AmountFields)
        {
            builder.Measure(field, JsonFields.OptionalNumber(obj, "data.object", field));
        }

        return builder.Build(envelope, SourceName, id, type, created, kind, entityId);
    }
}
