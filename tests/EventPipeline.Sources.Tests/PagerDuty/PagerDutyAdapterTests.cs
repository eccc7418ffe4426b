using EventPipeline.Sources.PagerDuty;

namespace EventPipeline.Sources.Tests.PagerDuty;

public sealed class PagerDutyAdapterTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly PagerDutyAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("pagerduty").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("pagerduty").Single(s => s.Name == name));

    [Theory]
    [InlineData("""{"messages":[]}""", "event", "required")]
    [InlineData("""{"event":{"id":"e","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2024-05-02T10:00:00Z"}}""", "event.data", "required")]
    [InlineData("""{"event":{"id":"e","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2024-05-02T10:00:00Z","data":{}}}""", "event.data.id", "required")]
    [InlineData("""{"event":{"id":"e","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2024-05-02T10:00:00","data":{"id":"P1"}}}""", "event.occurred_at", "must be an RFC 3339 timestamp")]
    [InlineData("""{"event":{"id":"e","event_type":["x"],"resource_type":"incident","occurred_at":"2024-05-02T10:00:00Z","data":{"id":"P1"}}}""", "event.event_type", "must be a string")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", "pagerduty", Now, new Dictionary<string, string>(), body), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }
}
