using System.Text.Json;
using EventPipeline.Application.Connections;
using EventPipeline.Application.Ports;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Application.Tests.Connections;

/// <summary>Connect, subscribe, resume and answer, with in-memory ports: nothing running.</summary>
public sealed class ConnectionSessionsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryConnectionStore _connections = new();
    private readonly InMemoryChangeLog _log;
    private readonly RecordingPusher _pusher = new();
    private readonly ConnectionSessions _sessions;

    public ConnectionSessionsTests()
    {
        _log = new InMemoryChangeLog(_clock, TimeSpan.FromHours(24));
        _sessions = new ConnectionSessions(new StaticTenantTokens(), _connections, _log, _pusher, _clock);
    }

    private async Task<string> ConnectedAsync(string tenant = "acme")
    {
        var id = "c-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await _sessions.ConnectAsync(id, StaticTenantTokens.For(tenant), CancellationToken.None)).IsValid);
        return id;
    }

    private async Task LogChangesAsync(string tenant, string channel, int count)
    {
        var first = await _log.AllocateAsync(tenant, channel, "b-" + Guid.NewGuid(), count, CancellationToken.None);
        await _log.AppendAsync([new ChannelAppend(tenant, channel, Enumerable.Range(0, count).Select(i => new ChangeEntry(first + i, $$"""{"type":"change","channel":"{{channel}}","sequence":{{first + i}}}""")).ToList())], CancellationToken.None);
    }

    private List<JsonElement> Messages(string id) => _pusher.To(id).Select(m => JsonDocument.Parse(m).RootElement.Clone()).ToList();

    [Fact]
    public async Task Connect_InvalidToken_RefusedAndNothingStored()
    {
        var result = await _sessions.ConnectAsync("c-1", "forged", CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Empty(_connections.Connections);
    }

    [Fact]
    public async Task Subscribe_Since_ReplaysExactlyTheMissedInOrderThenSubscribed()
    {
        var id = await ConnectedAsync();
        await LogChangesAsync("acme", "tenant", 20);

        Assert.True(await _sessions.ReceiveAsync(id, ClientAction.Subscribe, """{"channel":"tenant","since":12}""", TimeSpan.FromSeconds(10), CancellationToken.None));

        var messages = Messages(id);
        Assert.Equal(Enumerable.Range(13, 8).Select(i => (long)i), messages.Where(m => m.GetProperty("type").GetString() == "change").Select(m => m.GetProperty("sequence").GetInt64()));
        var last = messages[^1];
        Assert.Equal("subscribed", last.GetProperty("type").GetString());
        Assert.Equal(20, last.GetProperty("sequence").GetInt64());
    }

    /// <summary>
    /// Publish allocates a range of sequences, then appends it: a resume that reads the log in between must not take the
    /// range not yet appended for pushes lost. It replays up to it and is subscribed there; the range follows live. (The
    /// browser client's test under forced disconnects caught a reload here in CI: pushes 98–102 skipped.)
    /// </summary>
    [Fact]
    public async Task Subscribe_SinceWhileTheLastRangeIsAllocatedNotYetAppended_ReplaysUpToItWithoutReload()
    {
        var id = await ConnectedAsync();
        await LogChangesAsync("acme", "tenant", 20);
        await _log.AllocateAsync("acme", "tenant", "in-flight", 5, CancellationToken.None);

        Assert.True(await _sessions.ReceiveAsync(id, ClientAction.Subscribe, """{"channel":"tenant","since":12}""", TimeSpan.FromSeconds(10), CancellationToken.None));

        var messages = Messages(id);
        Assert.DoesNotContain(messages, m => m.GetProperty("type").GetString() == "reload");
        Assert.Equal(Enumerable.Range(13, 8).Select(i => (long)i), messages.Where(m => m.GetProperty("type").GetString() == "change").Select(m => m.GetProperty("sequence").GetInt64()));
        Assert.Equal("subscribed", messages[^1].GetProperty("type").GetString());
        Assert.Equal(20, messages[^1].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Subscribe_ReplayThatWouldOutlastTheInvocation_StopsWithReloadThenSubscribed()
    {
        var id = await ConnectedAsync();
        await LogChangesAsync("acme", "tenant", 200);
        // Each post takes 100 ms of the invocation's 3 s: 1 s is left for the replay after the margin.
        var sessions = new ConnectionSessions(new StaticTenantTokens(), _connections, _log, new SlowPusher(_pusher, _clock, TimeSpan.FromMilliseconds(100)), _clock);

        Assert.True(await sessions.ReceiveAsync(id, ClientAction.Subscribe, """{"channel":"tenant","since":0}""", TimeSpan.FromSeconds(3), CancellationToken.None));

        var messages = Messages(id);
        var changes = messages.Count(m => m.GetProperty("type").GetString() == "change");
        Assert.InRange(changes, 1, 199);
        Assert.Equal("reload", messages[^2].GetProperty("type").GetString());
        Assert.Equal(200, messages[^2].GetProperty("sequence").GetInt64());
        Assert.Equal("subscribed", messages[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Subscribe_SinceOlderThanTheLog_Reload()
    {
        var id = await ConnectedAsync();
        await LogChangesAsync("acme", "tenant", 5);
        _clock.Advance(TimeSpan.FromHours(25));

        await _sessions.ReceiveAsync(id, ClientAction.Subscribe, """{"channel":"tenant","since":1}""", null, CancellationToken.None);

        Assert.Equal(["reload", "subscribed"], Messages(id).Select(m => m.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData(ClientAction.Subscribe, """{"channel":"tenants/other"}""", "channel")]
    [InlineData(ClientAction.Subscribe, """{"channel":"tenant","since":-1}""", "since")]
    [InlineData(ClientAction.Subscribe, "not json", "body")]
    [InlineData(ClientAction.Unknown, "{}", "action")]
    public async Task Receive_InvalidMessage_ErrorNamingTheFieldAndNothingSubscribed(ClientAction action, string body, string field)
    {
        var id = await ConnectedAsync();

        await _sessions.ReceiveAsync(id, action, body, null, CancellationToken.None);

        var error = Assert.Single(Messages(id));
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Empty(await _connections.SubscribersAsync("acme", "tenant", CancellationToken.None));
    }

    [Fact]
    public async Task Receive_ConnectionGone_RemovedAndFalse()
    {
        var id = await ConnectedAsync();
        _pusher.Gone[id] = true;

        Assert.False(await _sessions.ReceiveAsync(id, ClientAction.Ping, "{}", null, CancellationToken.None));
        Assert.DoesNotContain(id, _connections.Connections);
    }

    [Fact]
    public async Task Receive_AnswerCannotBePosted_FailsTheInvocation()
    {
        var id = await ConnectedAsync();
        _pusher.Failing[id] = true;

        var ex = await Assert.ThrowsAsync<AnswerNotDeliveredException>(() => _sessions.ReceiveAsync(id, ClientAction.Ping, "{}", null, CancellationToken.None));

        Assert.Equal(id, ex.ConnectionId);
    }

    [Fact]
    public async Task Subscribe_SameChannelOtherTenant_NotASubscriber()
    {
        var id = await ConnectedAsync("acme");

        await _sessions.ReceiveAsync(id, ClientAction.Subscribe, """{"channel":"entity/order/1"}""", null, CancellationToken.None);

        Assert.Equal([id], await _connections.SubscribersAsync("acme", "entity/order/1", CancellationToken.None));
        Assert.Empty(await _connections.SubscribersAsync("other", "entity/order/1", CancellationToken.None));
    }

    /// <summary>A pusher whose every post takes <paramref name="perPush"/> of the fake clock.</summary>
    private sealed class SlowPusher(IConnectionPusher inner, FakeTimeProvider clock, TimeSpan perPush) : IConnectionPusher
    {
        public Task<PushOutcome> PushAsync(string connectionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            lock (clock)
            {
                clock.Advance(perPush);
            }

            return inner.PushAsync(connectionId, payload, cancellationToken);
        }
    }
}
