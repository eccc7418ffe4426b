using EventPipeline.Sources.Stripe;

namespace EventPipeline.Sources.Tests.Stripe;

public sealed class StripeAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly StripeAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("stripe").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("stripe").Single(s => s.Name == name));

    [Theory]
    [InlineData("""{"type":"charge.succeeded","created":1,"data":{"object":{"id":"ch","object":"charge"}}}""", "id", "required")]
    [InlineData("""{"id":"evt","type":"charge.succeeded","created":1,"data":{}}""", "data.object", "required")]
    [InlineData("""{"id":"evt","type":"charge.succeeded","created":1,"data":{"object":{"object":"charge"}}}""", "data.object.id", "required")]
    [InlineData("""{"id":"evt","type":"x","created":1,"data":{"object":{"id":"ch","object":"charge","amount":"12"}}}""", "data.object.amount", "must be a number")]
    [InlineData("""{"id":"evt","type":"x","created":1.5,"data":{"object":{"id":"ch","object":"charge"}}}""", "created", "must be a Unix time in seconds")]
    [InlineData("""{"id":7,"type":"x","created":1,"data":{"object":{"id":"ch","object":"charge"}}}""", "id", "must be a string")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "stripe", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }
}
