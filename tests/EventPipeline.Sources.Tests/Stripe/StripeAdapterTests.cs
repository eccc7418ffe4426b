using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EventPipeline.Sources.Stripe;

namespace EventPipeline.Sources.Tests.Stripe;

public sealed class StripeAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly StripeAdapter adapter = new();
    private readonly StripeSignature signature = new();

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

    [Fact]
    public void Verify_SeveralV1OneMatching_Valid()
    {
        var body = "{\"id\":\"evt_1\"}"u8.ToArray();
        var t = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var good = Convert.ToHexStringLower(HMACSHA256.HashData("whsec_new"u8, Encoding.UTF8.GetBytes(t + ".{\"id\":\"evt_1\"}")));
        var header = $"t={t},v1={new string('0', 64)},v0=ignored,v1={good}";

        var result = signature.Verify(Request(body, header), ["whsec_new"], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Fact]
    public void Verify_ComputedIndependently_MatchesDocumentedScheme()
    {
        // Stripe: hex HMAC-SHA256 of "{t}.{body}" keyed by the whole endpoint secret.
        var body = "{\"a\":1}"u8.ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("whsec_abc"u8, "1714644000.{\"a\":1}"u8));

        var header = signature.Sign(body, "https://x", "whsec_abc", DateTimeOffset.FromUnixTimeSeconds(1714644000))["Stripe-Signature"];

        Assert.Equal($"t=1714644000,v1={expected}", header);
    }

    [Theory]
    [InlineData("v1=abcd", "malformed Stripe-Signature header: one t=<unix seconds> required")]
    [InlineData("t=1714644000", "malformed Stripe-Signature header: no v1 signature")]
    [InlineData("t=abc,v1=00", "malformed Stripe-Signature header: one t=<unix seconds> required")]
    public void Verify_MalformedHeader_ReasonSaysWhat(string header, string reason)
    {
        Assert.Equal(reason, signature.Verify(Request("{}"u8.ToArray(), header), ["k"], Now).Reason);
    }

    private static WebhookRequest Request(byte[] body, string header) =>
        new("POST", "https://x", new Dictionary<string, string> { ["stripe-signature"] = header }, body);
}
