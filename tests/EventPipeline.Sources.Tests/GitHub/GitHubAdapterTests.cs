using EventPipeline.Sources.GitHub;

namespace EventPipeline.Sources.Tests.GitHub;

public sealed class GitHubAdapterTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly GitHubAdapter adapter = new();

    public static TheoryData<string> Cases => new(Samples.For("github").Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AdaptAsync_Sample_MatchesExpect(string name) =>
        SourceTestKit.AssertMatchesExpect(Samples.For("github").Single(s => s.Name == name));

    [Fact]
    public async Task AdaptAsync_IssueCommentOnIssue_EntityIsIssueAndTypeHasAction()
    {
        var body = """{"action":"created","issue":{"id":7,"updated_at":"2024-05-02T10:00:00Z"},"comment":{"id":9},"repository":{"id":1}}""";

        var result = await adapter.AdaptAsync(Envelope(body, "issue_comment"), CancellationToken.None);

        var evt = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal("issue_comment.created", evt.Type);
        Assert.Equal("issue/7", evt.Entity.ToString());
    }

    [Fact]
    public async Task AdaptAsync_RepositoryEventWithoutUpdatedAt_ReceiptTime()
    {
        var result = await adapter.AdaptAsync(Envelope("""{"action":"created","repository":{"id":5}}""", "star"), CancellationToken.None);

        var evt = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(ReceivedAt, evt.OccurredAt);
        Assert.Equal("repository/5", evt.Entity.ToString());
    }

    [Theory]
    [InlineData("""{"action":"opened"}""", "repository", "required")]
    [InlineData("""{"issue":"7","repository":{"id":1}}""", "issue", "must be an object")]
    [InlineData("""{"issue":{"id":true},"repository":{"id":1}}""", "issue.id", "must be a string or an integer")]
    [InlineData("""{"issue":{"id":1,"updated_at":"yesterday"}}""", "issue.updated_at", "must be an RFC 3339 timestamp")]
    [InlineData("""[1,2]""", "body", "must be a JSON object")]
    [InlineData("""{"issue":""", "body", "must be valid JSON")]
    public async Task AdaptAsync_BadPayload_RejectedNamingFieldAndRule(string body, string field, string rule)
    {
        var result = await adapter.AdaptAsync(Envelope(body, "issues"), CancellationToken.None);

        var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
        Assert.Equal((field, rule), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public async Task AdaptAsync_MissingDelivery_RejectedNamingHeader()
    {
        var envelope = new IngestEnvelope("acme", "github", ReceivedAt, new Dictionary<string, string> { ["x-github-event"] = "push" }, "{}");

        var result = await adapter.AdaptAsync(envelope, CancellationToken.None);

        Assert.Equal("header:X-GitHub-Delivery", Assert.IsType<AdapterResult.Rejected>(result).Reason.Field);
    }

    private static IngestEnvelope Envelope(string body, string eventName) =>
        new("acme", "github", ReceivedAt, new Dictionary<string, string> { ["x-github-event"] = eventName, ["x-github-delivery"] = "d-1" }, body);
}
