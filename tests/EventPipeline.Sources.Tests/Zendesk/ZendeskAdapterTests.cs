using EventPipeline.Sources.Zendesk;

namespace EventPipeline.Sources.Tests.Zendesk;

public sealed class ZendeskAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly ZendeskAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("zendesk").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("zendesk").Single(s => s.Name == name));

    [Theory]
    [InlineData("""{"type":"zen:event-type:ticket.created","time":"2024-05-02T10:00:00Z","subject":"zen:ticket:1"}""", "id", "required")]
    [InlineData("""{"id":"1","type":"zen:event-type:","time":"2024-05-02T10:00:00Z","subject":"zen:ticket:1"}""", "type", "must name an event type after 'zen:event-type:'")]
    [InlineData("""{"id":"1","type":"zen:event-type:ticket.created","time":1714644000,"subject":"zen:ticket:1"}""", "time", "must be an RFC 3339 timestamp")]
    [InlineData("""{"id":"1","type":"zen:event-type:ticket.created","time":"2024-05-02T10:00:00Z","subject":"zen:ticket:"}""", "subject", "must be 'zen:{kind}:{id}'")]
    [InlineData("""{"id":"1","type":"zen:event-type:ticket.created","time":"2024-05-02T10:00:00Z","subject":"zen:ticket:1","detail":{"id":{}}}""", "detail.id", "must be a string or an integer")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "zendesk", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }
}
