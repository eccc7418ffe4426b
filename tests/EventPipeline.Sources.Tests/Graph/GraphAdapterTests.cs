using EventPipeline.Sources.Graph;

namespace EventPipeline.Sources.Tests.Graph;

public sealed class GraphAdapterTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private const string MessageResource = """{"id":"AAMk1","subject":"Quarterly numbers","importance":"high","size":5120,"isRead":false,"lastModifiedDateTime":"2024-05-01T09:30:00Z","body":{"content":"x"}}""";

    private static (GraphAdapter Adapter, HttpClient Http) Create(FakeGraphServer server, int retries = 2, GraphFetchOptions? options = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient();
        var dependencies = new SourceDependencies
        {
            HttpClient = http,
            GraphBaseUrl = server.BaseUrl,
            FetchRetries = retries,
            FetchTimeout = timeout ?? TimeSpan.FromSeconds(5),
            GraphAccessToken = (tenant, _) => ValueTask.FromResult<string?>("token-for-" + tenant),
        };
        options ??= new GraphFetchOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(5), MinimumThroughput = 100 };
        return (new GraphAdapter(new GraphResourceFetcher(http, dependencies, options)), http);
    }

    private static IngestEnvelope Envelope(string body) =>
        new("t1", "graph", ReceivedAt, new Dictionary<string, string>(), body);

    [Fact]
    public async Task AdaptAsync_ResourceFetched_EventCarriesFieldsAndLastModified()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, MessageResource);
        var (adapter, http) = Create(server);
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("updated", "Users/u1/Messages/AAMk1"))), CancellationToken.None);

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 9, 30, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal("Quarterly numbers", e.Attributes["subject"]);
        Assert.Equal("5120", e.Attributes["size"]);
        Assert.False(e.Attributes.ContainsKey("body"));
        Assert.Equal("message/m0", e.Entity.ToString());
        Assert.Equal("updated", e.Type);
        var (path, auth) = Assert.Single(server.Seen);
        Assert.Equal("/v1.0/Users/u1/Messages/AAMk1", path);
        Assert.Equal("Bearer token-for-t1", auth);
    }

    [Fact]
    public async Task AdaptAsync_FirstAttemptTimesOut_RetriesAndSucceeds()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = async (n, c) =>
        {
            if (n == 1)
            {
                // Longer than the per-attempt timeout; the client gives up and retries.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await FakeGraphServer.Json(c, MessageResource);
        };
        var (adapter, http) = Create(server, retries: 2, timeout: TimeSpan.FromMilliseconds(300));
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("created", "Users/u1/Messages/AAMk1"))), CancellationToken.None);

        Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task AdaptAsync_Repeated500_ThrowsTransientAfterAllRetries()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, """{"error":{"code":"serviceNotAvailable"}}""", 500);
        var (adapter, http) = Create(server, retries: 3);
        using var _ = http;

        await Assert.ThrowsAsync<TransientSourceException>(async () =>
            await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("updated", "Users/u1/Messages/AAMk1"))), CancellationToken.None));
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public async Task AdaptAsync_CircuitOpen_NextCallFailsFastWithoutRequest()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, "{}", 503);
        var options = new GraphFetchOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MinimumThroughput = 2,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromMinutes(5),
        };
        var (adapter, http) = Create(server, retries: 3, options: options);
        using var _ = http;
        var body = GraphNotifications.Body(("updated", "Users/u1/Messages/AAMk1"));

        await Assert.ThrowsAsync<TransientSourceException>(async () => await adapter.AdaptAsync(Envelope(body), CancellationToken.None));
        var afterFirst = server.Requests;
        var second = await Assert.ThrowsAsync<TransientSourceException>(async () => await adapter.AdaptAsync(Envelope(body), CancellationToken.None));

        Assert.Equal(2, afterFirst);
        Assert.Equal(afterFirst, server.Requests);
        Assert.Contains("circuit", second.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AdaptAsync_ResourceNotFound_RejectsNamingResource()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, """{"error":{"code":"ErrorItemNotFound"}}""", 404);
        var (adapter, http) = Create(server);
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("created", "Users/u1/Messages/gone"))), CancellationToken.None);

        var rejected = Assert.IsType<AdapterResult.Rejected>(result);
        Assert.Equal("value[0].resource", rejected.Reason.Field);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task AdaptAsync_Deleted_DoesNotFetchAndUsesReceiptTime()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, "{}", 404);
        var (adapter, http) = Create(server);
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("deleted", "Users/u1/Messages/AAMk1"))), CancellationToken.None);

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(ReceivedAt, e.OccurredAt);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task AdaptAsync_TwoNotifications_TwoEventsWithDistinctIds()
    {
        await using var server = await FakeGraphServer.StartAsync();
        server.Respond = (_, c) => FakeGraphServer.Json(c, MessageResource);
        var (adapter, http) = Create(server);
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("created", "Users/u1/Messages/a"), ("updated", "Users/u1/Messages/b"))), CancellationToken.None);

        var events = Assert.IsType<AdapterResult.Accepted>(result).Events;
        Assert.Equal(2, events.Count);
        Assert.NotEqual(events[0].EventId, events[1].EventId);
        Assert.Equal(2, server.Requests);
    }

    [Theory]
    [InlineData("http:evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("Users/../../admin")]
    [InlineData("Users/%2e%2e/admin")]
    public async Task AdaptAsync_ResourceLeavingGraphBase_RejectsWithoutFetching(string resource)
    {
        await using var server = await FakeGraphServer.StartAsync();
        var (adapter, http) = Create(server);
        using var _ = http;

        var result = await adapter.AdaptAsync(Envelope(GraphNotifications.Body(("created", resource))), CancellationToken.None);

        Assert.Equal("value[0].resource", Assert.IsType<AdapterResult.Rejected>(result).Reason.Field);
        Assert.Equal(0, server.Requests);
    }
}
