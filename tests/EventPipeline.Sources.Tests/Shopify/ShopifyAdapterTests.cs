using EventPipeline.Sources.Shopify;

namespace EventPipeline.Sources.Tests.Shopify;

public sealed class ShopifyAdapterTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ShopifyAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("shopify").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("shopify").Single(s => s.Name == name));

    [Theory]
    [InlineData("orders/paid", "order", "orders.paid")]
    [InlineData("inventory_items/update", "inventory_item", "inventory_items.update")]
    [InlineData("companies/create", "company", "companies.create")]
    [InlineData("customer_addresses/delete", "customer_address", "customer_addresses.delete")]
    [InlineData("app/uninstalled", "app", "app.uninstalled")]
    [InlineData("Orders/Create", "order", "orders.create")]
    public async Task AdaptAsync_Topic_SingularKindAndDottedType(string topic, string kind, string type)
    {
        var result = await adapter.AdaptAsync(Envelope("""{"id":1}""", topic), CancellationToken.None);

        var evt = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal((kind, type), (evt.Entity.Kind, evt.Type));
        Assert.Equal(ReceivedAt, evt.OccurredAt);
    }

    [Theory]
    [InlineData("""{"id":1,"total_price":"abc"}""", "orders/create", "total_price", "must be a decimal number")]
    [InlineData("""{"name":"x"}""", "orders/create", "id", "required")]
    [InlineData("""{"id":1}""", "orders", "header:X-Shopify-Topic", "must be '{resource}/{event}'")]
    public async Task AdaptAsync_BadInput_RejectedNamingFieldAndRule(string body, string topic, string field, string rule)
    {
        var result = await adapter.AdaptAsync(Envelope(body, topic), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public async Task AdaptAsync_TriggeredAtNotATime_RejectedNamingHeader()
    {
        var envelope = Envelope("""{"id":1}""", "orders/create");
        envelope = envelope with { Headers = new Dictionary<string, string>(envelope.Headers) { ["x-shopify-triggered-at"] = "now" } };

        var result = await adapter.AdaptAsync(envelope, CancellationToken.None);

        Assert.Equal("header:X-Shopify-Triggered-At", Assert.IsType<AdapterResult.Rejected>(result).Reason.Field);
    }

    private static IngestEnvelope Envelope(string body, string topic) =>
        new("acme", "shopify", ReceivedAt, new Dictionary<string, string> { ["x-shopify-topic"] = topic, ["x-shopify-webhook-id"] = "w-1" }, body);
}
