using EventPipeline.Sources.Twilio;

namespace EventPipeline.Sources.Tests.Twilio;

public sealed class TwilioAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TwilioAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("twilio").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("twilio").Single(s => s.Name == name));

    [Fact]
    public async Task AdaptAsync_PlusAndPercent20_DecodeToSpaces()
    {
        var body = "MessageSid=SM1&MessageStatus=failed&ErrorMessage=a+b%20c&To=%2B1555";

        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "twilio", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var evt = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal("+1555", evt.Attributes["to"]);
        Assert.Equal("SM1:failed", evt.EventId);
        Assert.Equal(Now, evt.OccurredAt);
    }

    [Theory]
    [InlineData("MessageStatus=sent", "MessageSid")]
    [InlineData("MessageSid=&MessageStatus=sent", "MessageSid")]
    [InlineData("{\"MessageSid\":\"SM1\"}", "MessageSid")]
    public async Task AdaptAsync_MissingParameter_RejectedAsRequired(string body, string field)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "twilio", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, "required"), (rejection.Field, rejection.Rule));
    }
}
