using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Delivery;

[Collection(LocalStackCollection.Name)]
public sealed class WebSocketDeliveryTests(LocalStackFixture fx)
{
    private Task<PutRecordResult> PutAsync(string tenant, string id, string subject, string data = """{"status":"new"}""") =>
        fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, id, subject, data: data), CancellationToken.None);

    private static Func<JsonElement, bool> ChangeWithCount(string channel, long eventCount) =>
        m => TestSocket.Is(m, "change") && m.GetProperty("channel").GetString() == channel && m.GetProperty("data").GetProperty("eventCount").GetInt64() == eventCount;

    [Fact]
    public async Task Publish_VanishedClient_410RemovesConnectionAndSubscriptions()
    {
        var tenant = LocalStackFixture.NewTenant("v");
        var socket = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await socket.SubscribeAsync("entity/doc/1");
        await socket.SubscribeAsync("tenant");
        var id = Assert.Single(await fx.ConnectionIdsAsync(tenant));
        var info = await new DynamoConnectionStore(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.ConnectionsTable, TimeProvider.System).GetAsync(id, CancellationToken.None);
        Assert.Equal(3, await fx.ConnectionItemCountAsync(id));

        // The client vanishes and the gateway drops it. Its $disconnect runs here, but API Gateway delivers $disconnect
        // only best-effort: put the items back as if it had been lost, so only the publisher's 410 can clean up.
        // The gateway drops it first: aborting the client first lets the server's receive loop remove it from the hub
        // before the test can (a race that only slow machines used to win).
        Assert.True(fx.Stack.Gateway.Hub.Abort(id));
        socket.Abort();
        await DeliveryKit.UntilAsync(() => fx.ConnectionItemCountAsync(id), 0, "$disconnect handled");
        var store = new DynamoConnectionStore(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.ConnectionsTable, TimeProvider.System);
        await store.AddAsync(info!, CancellationToken.None);
        await store.SubscribeAsync(info!, "entity/doc/1", CancellationToken.None);
        await store.SubscribeAsync(info!, "tenant", CancellationToken.None);
        Assert.Equal(3, await fx.ConnectionItemCountAsync(id));
        var goneBefore = fx.Stack.Metrics.Snapshot(fx.Stack).Publish.GoneConnections;

        await PutAsync(tenant, "v-1", "doc/1");

        await DeliveryKit.UntilAsync(() => fx.ConnectionItemCountAsync(id), 0, "the gone connection removed by the publisher");
        Assert.True(fx.Stack.Metrics.Snapshot(fx.Stack).Publish.GoneConnections > goneBefore);
        Assert.Empty(await store.SubscribersAsync(tenant, "entity/doc/1", CancellationToken.None));
        Assert.Empty(await store.SubscribersAsync(tenant, "tenant", CancellationToken.None));
        await socket.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_SinceLastSequenceAfterDropMidLoad_ReplaysExactlyTheMissedThenLiveContinues()
    {
        const string channel = "entity/run/1";
        var tenant = LocalStackFixture.NewTenant("s");
        var token = fx.Stack.IssueToken(tenant);
        await using var observer = await fx.ConnectAsync(token);
        await observer.SubscribeAsync(channel);
        var dropped = await fx.ConnectAsync(token);
        await dropped.SubscribeAsync(channel);

        // A producer keeps putting while the client drops after its second push.
        const int total = 14;
        var load = Task.Run(async () =>
        {
            for (var i = 1; i <= total; i++)
            {
                await PutAsync(tenant, $"run-{i}", "run/1", $$"""{"n":{{i}}}""");
                await Task.Delay(250);
            }
        });
        await dropped.WaitForAsync(_ => dropped.Changes(channel).Count >= 2, "two pushes before the drop");
        dropped.Abort();
        var seen = dropped.Sequences(channel);
        await load;
        await observer.WaitForAsync(ChangeWithCount(channel, total), "the last change pushed to the observer");
        var latest = observer.Sequences(channel).Max();
        Assert.Equal(latest, await fx.LatestSequenceAsync(tenant, channel));
        Assert.True(latest > seen.Max(), "changes were missed while dropped");

        await using var resumed = await fx.ConnectAsync(token);
        var ack = await resumed.SubscribeAsync(channel, since: seen.Max());

        Assert.Equal(latest, ack.GetProperty("sequence").GetInt64());
        var replayed = resumed.Sequences(channel);
        Assert.Equal(Enumerable.Range((int)seen.Max() + 1, (int)(latest - seen.Max())).Select(i => (long)i), replayed);
        Assert.Equal(Enumerable.Range(1, (int)latest).Select(i => (long)i), seen.Concat(replayed).Order());
        Assert.DoesNotContain(resumed.Messages, m => TestSocket.Is(m, "reload"));

        await PutAsync(tenant, "run-live", "run/1");
        var live = await resumed.WaitForAsync(ChangeWithCount(channel, total + 1), "a live push after the resume");
        Assert.Equal(latest + 1, live.GetProperty("sequence").GetInt64());
        Assert.Equal(Enumerable.Range((int)seen.Max() + 1, (int)(latest + 1 - seen.Max())).Select(i => (long)i), resumed.Sequences(channel));
    }

    [Fact]
    public async Task Subscribe_SinceOlderThanTheChangeLog_Reload()
    {
        const string channel = "entity/old/1";
        var tenant = LocalStackFixture.NewTenant("o");
        var token = fx.Stack.IssueToken(tenant);
        await using (var first = await fx.ConnectAsync(token))
        {
            await first.SubscribeAsync(channel);
            await PutAsync(tenant, "old-1", "old/1");
            await first.WaitForAsync(ChangeWithCount(channel, 1), "first change");
            await PutAsync(tenant, "old-2", "old/1");
            await first.WaitForAsync(ChangeWithCount(channel, 2), "second change");
        }

        var latest = await fx.LatestSequenceAsync(tenant, channel);
        Assert.True(latest >= 2);
        // The oldest entry has left the log (as its TTL would make it).
        await fx.Stack.Aws.DynamoDb.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = fx.Stack.Settings.ChangeLogTable,
            Key = new()
            {
                ["pk"] = new AttributeValue { S = $"C#{tenant}#{channel}" },
                ["sk"] = new AttributeValue { S = 1L.ToString("D20", CultureInfo.InvariantCulture) },
            },
        });

        await using var late = await fx.ConnectAsync(token);
        var ack = await late.SubscribeAsync(channel, since: 0);

        var reload = Assert.Single(late.Messages, m => TestSocket.Is(m, "reload"));
        Assert.Equal(channel, reload.GetProperty("channel").GetString());
        Assert.Equal(latest, reload.GetProperty("sequence").GetInt64());
        Assert.Empty(late.Changes(channel));
        Assert.Equal(latest, ack.GetProperty("sequence").GetInt64());

        // Still subscribed: the next change arrives live, right after the reloaded sequence.
        await PutAsync(tenant, "old-3", "old/1");
        var live = await late.WaitForAsync(ChangeWithCount(channel, 3), "live change after reload");
        Assert.Equal(latest + 1, live.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Unsubscribe_StopsPushes_WhileAnotherSubscriberStillGetsThem()
    {
        const string channel = "entity/u/1";
        var tenant = LocalStackFixture.NewTenant("u");
        var token = fx.Stack.IssueToken(tenant);
        await using var observer = await fx.ConnectAsync(token);
        await observer.SubscribeAsync(channel);
        await using var client = await fx.ConnectAsync(token);
        await client.SubscribeAsync(channel);
        await PutAsync(tenant, "u-1", "u/1");
        await client.WaitForAsync(ChangeWithCount(channel, 1), "first change");

        await client.SendAsync($$"""{"action":"unsubscribe","channel":"{{channel}}"}""");
        await client.WaitForAsync(m => TestSocket.Is(m, "unsubscribed") && m.GetProperty("channel").GetString() == channel, "unsubscribed");
        await PutAsync(tenant, "u-2", "u/1");
        await observer.WaitForAsync(ChangeWithCount(channel, 2), "second change to the observer");
        // Give a wrongly still-subscribed client the time the publisher needed for the observer, then check.
        await client.SendAsync("""{"action":"ping"}""");
        await client.WaitForAsync(m => TestSocket.Is(m, "pong"), "pong after the second change");

        Assert.Single(client.Changes(channel));
    }

    [Fact]
    public async Task Messages_PingInvalidChannelBadSinceUnknownAction_AnsweredWithPongOrErrorNamingTheField()
    {
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(LocalStackFixture.NewTenant("m")));

        await client.SendAsync("""{"action":"ping"}""");
        var pong = await client.WaitForAsync(m => TestSocket.Is(m, "pong"), "pong");
        Assert.True(DateTimeOffset.TryParse(pong.GetProperty("time").GetString(), CultureInfo.InvariantCulture, out _));

        await client.SendAsync("""{"action":"subscribe","channel":"tenants/other/entity/x/1"}""");
        var badChannel = await client.WaitForAsync(m => TestSocket.Is(m, "error"), "channel error");
        Assert.Equal("channel", badChannel.GetProperty("field").GetString());
        Assert.StartsWith("channel: must be 'tenant', 'entity/{kind}/{id}'", badChannel.GetProperty("message").GetString(), StringComparison.Ordinal);

        await client.SendAsync("""{"action":"subscribe","channel":"tenant","since":-3}""");
        await client.WaitForAsync(m => TestSocket.Is(m, "error") && m.GetProperty("field").GetString() == "since", "since error");

        await client.SendAsync("""{"action":"shout"}""");
        var action = await client.WaitForAsync(m => TestSocket.Is(m, "error") && m.GetProperty("field").GetString() == "action", "action error");
        Assert.Contains("subscribe, unsubscribe, ping", action.GetProperty("rule").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(client.Messages, m => TestSocket.Is(m, "subscribed"));
    }

    [Fact]
    public async Task Subscribe_SameChannelNameInTwoTenants_NeverReceivesTheOtherTenantsChange()
    {
        const string channel = "entity/x/1";
        var a = LocalStackFixture.NewTenant("a");
        var b = LocalStackFixture.NewTenant("b");
        await using var clientA = await fx.ConnectAsync(fx.Stack.IssueToken(a));
        await clientA.SubscribeAsync(channel);
        await using var clientB = await fx.ConnectAsync(fx.Stack.IssueToken(b));
        await clientB.SubscribeAsync(channel);

        // B's change first, then A's: when A's arrives, B's was published long before.
        await PutAsync(b, "x-b", "x/1", $$"""{"owner":"{{b}}"}""");
        await clientB.WaitForAsync(ChangeWithCount(channel, 1), "B's change to B");
        await PutAsync(a, "x-a", "x/1", $$"""{"owner":"{{a}}"}""");
        await clientA.WaitForAsync(ChangeWithCount(channel, 1), "A's change to A");

        var pushA = Assert.Single(clientA.Changes(channel));
        Assert.Equal(a, pushA.GetProperty("data").GetProperty("attributes").GetProperty("owner").GetString());
        var pushB = Assert.Single(clientB.Changes(channel));
        Assert.Equal(b, pushB.GetProperty("data").GetProperty("attributes").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Subscribe_ChannelOverItsByteLimitInAThreeByteScript_ErrorNamingTheRule_ConnectionKept()
    {
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(LocalStackFixture.NewTenant("c")));

        // 512 characters, 1,518 UTF-8 bytes: more than any key it would become part of may hold.
        await client.SendAsync($$"""{"action":"subscribe","channel":"entity/k/{{new string('\u4e00', 503)}}"}""");
        var error = await client.WaitForAsync(m => TestSocket.Is(m, "error"), "channel error");
        Assert.Equal("channel", error.GetProperty("field").GetString());
        Assert.Equal("must be at most 1160 UTF-8 bytes", error.GetProperty("rule").GetString());

        await client.SendAsync("""{"action":"ping"}""");
        await client.WaitForAsync(m => TestSocket.Is(m, "pong"), "pong on the same connection");
    }

    [Fact]
    public async Task Subscribe_EntityWithTheLongestIdInAThreeByteScript_ReceivesItsChange()
    {
        var tenant = LocalStackFixture.NewTenant("l");
        var id = new string('\u4e00', 341) + "a"; // 1,024 UTF-8 bytes, the longest valid entity id
        var channel = "entity/long/" + id;
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await client.SubscribeAsync(channel);

        await PutAsync(tenant, "long-1", "long/" + id);

        await client.WaitForAsync(ChangeWithCount(channel, 1), "the long entity's change");
        await client.SendAsync($$"""{"action":"unsubscribe","channel":"{{channel}}"}""");
        await client.WaitForAsync(m => TestSocket.Is(m, "unsubscribed"), "unsubscribed");
    }
}
