using EventPipeline.Sources.SendGrid;

namespace EventPipeline.Sources.Tests.SendGrid;

public sealed class SendGridAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly SendGridAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("sendgrid").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("sendgrid").Single(s => s.Name == name));

    [Theory]
    [InlineData("""{"event":"delivered"}""", "body", "must be a JSON array")]
    [InlineData("""[]""", "body", "must contain at least one event")]
    [InlineData("""[1]""", "[0]", "must be an object")]
    [InlineData("""[{"sg_event_id":"a","event":"open","timestamp":"1714644000","sg_message_id":"m"}]""", "[0].timestamp", "must be a Unix time in seconds")]
    [InlineData("""[{"sg_event_id":"a","event":"open","timestamp":1714644000}]""", "[0].sg_message_id", "required")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "sendgrid", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public async Task AdaptAsync_SameEventTwiceInOnePost_OneEvent()
    {
        var e = """{"sg_event_id":"a","event":"open","timestamp":1714644000,"sg_message_id":"m"}""";

        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "sendgrid", Now, new Dictionary<string, string>(), $"[{e},{e}]"), CancellationToken.None);

        Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
    }
}
