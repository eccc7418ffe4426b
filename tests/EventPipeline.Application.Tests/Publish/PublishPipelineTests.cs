using System.Text.Json;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Publish;
using EventPipeline.Application.Tracing;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Application.Tests.Publish;

/// <summary>Publishing changes to subscribers with in-memory ports: nothing running.</summary>
public sealed class PublishPipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly InMemoryConnectionStore _connections = new();
    private readonly InMemoryChangeLog _log;
    private readonly RecordingPusher _pusher = new();
    private readonly PublishPipeline _pipeline;

    public PublishPipelineTests()
    {
        _log = new InMemoryChangeLog(_clock, TimeSpan.FromHours(24));
        _pipeline = new PublishPipeline(_connections, _log, _pusher);
    }

    private static CanonicalEvent Event(string tenant, string id, string entity) =>
        new(tenant, "test", id, "order.created", Now, new EntityRef("order", entity), new Dictionary<string, decimal>(), new Dictionary<string, string>());

    /// <summary>The changes the fold of <paramref name="events"/> makes, as the aggregates stream delivers them.</summary>
    private static ChangeBatch Changes(string batchId, params CanonicalEvent[] events) =>
        new(batchId, Aggregator.Fold(events, new AggregationContext(Now, AggregationOptions.Default)).Values.Select(s => new AggregateChange(s, 1)).ToList());

    private async Task<string> SubscribedAsync(string tenant, string channel)
    {
        var connection = new ConnectionInfo("c-" + Guid.NewGuid().ToString("N")[..8], tenant, Now);
        await _connections.AddAsync(connection, CancellationToken.None);
        await _connections.SubscribeAsync(connection, channel, CancellationToken.None);
        return connection.ConnectionId;
    }

    /// <summary>
    /// A batch's channels are logged in one append (a bulk store writes them 25 pages a request), and every push is
    /// posted only once the log holds it: a client that resumes after a missed push finds it.
    /// </summary>
    [Fact]
    public async Task Process_ThreeEntities_OneAppendForEveryChannel_BeforeAnyPush()
    {
        var log = new AppendRecordingLog(_log, _pusher);
        var pipeline = new PublishPipeline(_connections, log, _pusher);
        await SubscribedAsync("acme", "tenant");

        await pipeline.ProcessAsync(Changes("b1", Event("acme", "e1", "1"), Event("acme", "e2", "2"), Event("acme", "e3", "3")), CancellationToken.None);

        var append = Assert.Single(log.Appends);
        Assert.Contains(append.Channels, c => c == "entity/order/1");
        Assert.Contains(append.Channels, c => c == "entity/order/3");
        Assert.Contains(append.Channels, c => c == "tenant");
        Assert.Equal(0, append.PushesBefore);
        Assert.NotEmpty(_pusher.Pushes);
    }

    /// <summary>Records each append's channels and how many pushes had been posted when it was made.</summary>
    private sealed class AppendRecordingLog(IChangeLog inner, RecordingPusher pusher) : IChangeLog
    {
        public List<(IReadOnlyList<string> Channels, int PushesBefore)> Appends { get; } = [];

        public Task<long> AllocateAsync(string tenant, string channel, string batchId, int count, CancellationToken cancellationToken) =>
            inner.AllocateAsync(tenant, channel, batchId, count, cancellationToken);

        public Task AppendAsync(IReadOnlyList<ChannelAppend> appends, CancellationToken cancellationToken)
        {
            lock (Appends)
            {
                Appends.Add(([.. appends.Select(a => a.Channel)], pusher.Pushes.Count));
            }

            return inner.AppendAsync(appends, cancellationToken);
        }

        public Task<ChangesSince> ReadSinceAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken) =>
            inner.ReadSinceAsync(tenant, channel, since, limit, cancellationToken);
    }

    [Fact]
    public async Task Process_Change_PushedToTheTenantsSubscribersOnly_WithTheLoggedSequence()
    {
        var mine = await SubscribedAsync("acme", "entity/order/1");
        var theirs = await SubscribedAsync("other", "entity/order/1");

        var result = await _pipeline.ProcessAsync(Changes("b1", Event("acme", "e1", "1")), CancellationToken.None);

        var push = JsonDocument.Parse(Assert.Single(_pusher.To(mine))).RootElement;
        Assert.Equal("change", push.GetProperty("type").GetString());
        Assert.Equal("entity/order/1", push.GetProperty("channel").GetString());
        Assert.Equal(1, push.GetProperty("sequence").GetInt64());
        Assert.Empty(_pusher.To(theirs));
        Assert.Equal(1, result.Pushes);
        var logged = await _log.ReadSinceAsync("acme", "entity/order/1", 0, 10, CancellationToken.None);
        Assert.Equal(push.GetRawText(), JsonDocument.Parse(Assert.Single(logged.Entries).Payload).RootElement.GetRawText());
    }

    [Fact]
    public async Task Process_SameBatchRedelivered_SameSequences()
    {
        var id = await SubscribedAsync("acme", "tenant");
        var batch = Changes("b1", Event("acme", "e1", "1"), Event("acme", "e2", "2"));

        await _pipeline.ProcessAsync(batch, CancellationToken.None);
        var first = _pusher.To(id).Select(p => JsonDocument.Parse(p).RootElement.GetProperty("sequence").GetInt64()).ToList();
        await _pipeline.ProcessAsync(batch, CancellationToken.None);
        var again = _pusher.To(id).Skip(first.Count).Select(p => JsonDocument.Parse(p).RootElement.GetProperty("sequence").GetInt64()).ToList();

        Assert.Equal(first, again);
        Assert.Equal(first.Order(), first);
    }

    [Fact]
    public async Task Process_GoneSubscriber_RemovedOthersStillServed()
    {
        var gone = await SubscribedAsync("acme", "tenant");
        var live = await SubscribedAsync("acme", "tenant");
        _pusher.Gone[gone] = true;

        var result = await _pipeline.ProcessAsync(Changes("b1", Event("acme", "e1", "1")), CancellationToken.None);

        Assert.Equal(1, result.GoneConnections);
        Assert.DoesNotContain(gone, _connections.Connections);
        Assert.NotEmpty(_pusher.To(live));
    }

    [Fact]
    public async Task Process_FailingPost_CountedAndTheChangeStaysInTheLogForResume()
    {
        var failing = await SubscribedAsync("acme", "tenant");
        _pusher.Failing[failing] = true;

        var result = await _pipeline.ProcessAsync(Changes("b1", Event("acme", "e1", "1")), CancellationToken.None);

        Assert.True(result.FailedPosts >= 1);
        Assert.Contains(failing, _connections.Connections);
        Assert.NotEmpty((await _log.ReadSinceAsync("acme", "tenant", 0, 10, CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task Process_TracedChange_PostsTheTraceWithPublishAndPostTimes_AndLogsThePushWithout()
    {
        var pipeline = new PublishPipeline(_connections, _log, _pusher, clock: _clock);
        var connection = await SubscribedAsync("acme", "entity/order/1");
        var arrived = Now.AddMilliseconds(-900);
        var trace = new EventTrace("shardId-000000000001:4968", arrived, arrived.AddMilliseconds(100), arrived.AddMilliseconds(120));
        var state = Aggregator.Fold([Event("acme", "e1", "1")], new AggregationContext(Now, AggregationOptions.Default)).Values.OfType<EntityViewState>().Single();

        var result = await pipeline.ProcessAsync(new ChangeBatch("b1", [new AggregateChange(state, 1) { Trace = trace }]), CancellationToken.None);

        var pushed = JsonDocument.Parse(Assert.Single(_pusher.To(connection))).RootElement;
        var t = pushed.GetProperty("trace");
        Assert.Equal("shardId-000000000001:4968", t.GetProperty("id").GetString());
        Assert.Equal(arrived.ToUnixTimeMilliseconds(), t.GetProperty("arrivedAt").GetInt64());
        Assert.Equal(arrived.AddMilliseconds(100).ToUnixTimeMilliseconds(), t.GetProperty("ingestAt").GetInt64());
        Assert.Equal(arrived.AddMilliseconds(120).ToUnixTimeMilliseconds(), t.GetProperty("writeAt").GetInt64());
        Assert.Equal(Now.ToUnixTimeMilliseconds(), t.GetProperty("publishAt").GetInt64());
        Assert.Equal(Now.ToUnixTimeMilliseconds(), t.GetProperty("postAt").GetInt64());
        var logged = await _log.ReadSinceAsync("acme", "entity/order/1", 0, 10, CancellationToken.None);
        Assert.False(JsonDocument.Parse(Assert.Single(logged.Entries).Payload).RootElement.TryGetProperty("trace", out _));
        var timing = Assert.Single(result.Timings);
        Assert.Equal(trace, timing.Trace);
        Assert.Equal(TimeSpan.FromMilliseconds(780), timing.WriteToPublish);
    }

    [Fact]
    public async Task Process_UntracedChange_PostsNoTraceAndReportsNoTiming()
    {
        var connection = await SubscribedAsync("acme", "entity/order/1");

        var result = await _pipeline.ProcessAsync(Changes("b1", Event("acme", "e1", "1")), CancellationToken.None);

        Assert.False(JsonDocument.Parse(Assert.Single(_pusher.To(connection))).RootElement.TryGetProperty("trace", out _));
        Assert.Empty(result.Timings);
    }

    [Fact]
    public async Task Process_TwoVersionsOfAnItemCoalesced_CarriesTheOlderTrace()
    {
        var connection = await SubscribedAsync("acme", "entity/order/1");
        var state = Aggregator.Fold([Event("acme", "e1", "1")], new AggregationContext(Now, AggregationOptions.Default)).Values.OfType<EntityViewState>().Single();
        var older = new EventTrace("s:1", Now.AddSeconds(-2), Now.AddSeconds(-2), Now.AddSeconds(-2));
        var newer = new EventTrace("s:2", Now.AddSeconds(-1), Now.AddSeconds(-1), Now.AddSeconds(-1));

        await _pipeline.ProcessAsync(new ChangeBatch("b1", [new AggregateChange(state, 1) { Trace = older }, new AggregateChange(state, 2) { Trace = newer }]), CancellationToken.None);

        Assert.Equal("s:1", JsonDocument.Parse(Assert.Single(_pusher.To(connection))).RootElement.GetProperty("trace").GetProperty("id").GetString());
    }

    [Fact]
    public void WithTrace_AppendsTheTraceAsTheLastMemberOfTheSameObject()
    {
        var payload = PublishPipeline.PushJson("tenant", 7, Aggregator.Fold([Event("acme", "e1", "1")], new AggregationContext(Now, AggregationOptions.Default)).Values.OfType<EntityViewState>().Single(), 3);

        var traced = PublishPipeline.WithTrace(payload, new EventTrace("s:9", Now, Now, Now), Now, Now);

        var root = JsonDocument.Parse(traced).RootElement;
        Assert.Equal(7, root.GetProperty("sequence").GetInt64());
        Assert.Equal("trace", root.EnumerateObject().Last().Name);
        Assert.Equal(JsonDocument.Parse(payload).RootElement.GetProperty("data").GetRawText(), root.GetProperty("data").GetRawText());
    }
}
