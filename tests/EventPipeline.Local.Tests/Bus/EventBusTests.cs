using System.Text.Json;
using EventPipeline.Local.Bus;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Bus;

/// <summary>Other consumers subscribe to the bus without touching the pipeline (ADR 0004), on moto's EventBridge.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class EventBusTests(LocalStackFixture fx)
{
    private BusConsumers Consumers() =>
        new(fx.Stack.Aws, fx.Stack.Endpoints.EventBusName, fx.Stack.Options.Region, fx.Stack.Options.AccountId);

    private Task<EventPipeline.Aws.Clients.PutRecordResult> PutAsync(string tenant, string id, string subject) =>
        fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, id, subject), CancellationToken.None);

    private static async Task<List<JsonElement>> ReceivedAsync(BusConsumers consumers, string queue, int expected)
    {
        var received = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            received.AddRange(await consumers.ReadAsync(queue, 10, consume: true, CancellationToken.None));
            await Task.Delay(200);
        }

        return received;
    }

    [Fact]
    public async Task RuleOnTheTenant_DeliversExactlyItsChange_WithTheSequenceTheTenantPushCarried()
    {
        var tenant = LocalStackFixture.NewTenant("bus");
        var other = LocalStackFixture.NewTenant("bus-other");
        var consumers = Consumers();
        var queue = "rule-" + tenant;
        await consumers.AddQueueRuleAsync(queue, $$$"""{"source":["eventpipeline"],"detail-type":["aggregate.changed"],"detail":{"tenant":["{{{tenant}}}"]}}""", CancellationToken.None);
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await client.SubscribeAsync("tenant");

        await PutAsync(other, "o-1", "order/1");
        await PutAsync(tenant, "t-1", "order/1");

        var push = await client.WaitForAsync(m => TestSocket.Is(m, "change") && m.GetProperty("data").GetProperty("kind").GetString() == "entity", "the entity's push on the tenant channel");
        var received = await ReceivedAsync(consumers, queue, 1);
        var entity = Assert.Single(received, e => e.GetProperty("detail").GetProperty("aggregate").GetProperty("kind").GetString() == "entity");
        Assert.Equal("eventpipeline", entity.GetProperty("source").GetString());
        Assert.Equal("aggregate.changed", entity.GetProperty("detail-type").GetString());
        var detail = entity.GetProperty("detail");
        Assert.Equal(tenant, detail.GetProperty("tenant").GetString());
        Assert.Equal("tenant", detail.GetProperty("channel").GetString());
        Assert.Equal(push.GetProperty("sequence").GetInt64(), detail.GetProperty("sequence").GetInt64());
        Assert.Equal($"{tenant}/tenant/{detail.GetProperty("sequence").GetInt64()}", detail.GetProperty("id").GetString());
        // The same aggregate (EventBridge's JSON may space it differently).
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(push.GetProperty("data").GetRawText()),
            System.Text.Json.Nodes.JsonNode.Parse(detail.GetProperty("aggregate").GetRawText())));
        Assert.All(received, e => Assert.Equal(tenant, e.GetProperty("detail").GetProperty("tenant").GetString()));
    }

    [Fact]
    public async Task BusDown_PushesGoOn_AndTheBusCatchesUpWhenItIsBack()
    {
        var tenant = LocalStackFixture.NewTenant("bus-down");
        var consumers = Consumers();
        var queue = "rule-" + tenant;
        await consumers.AddQueueRuleAsync(queue, "{\"detail\":{\"tenant\":[\"" + tenant + "\"],\"aggregate\":{\"kind\":[\"entity\"]}}}", CancellationToken.None);
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await client.SubscribeAsync("entity/order/7");

        // EventBridge unreachable: the Bus function's PutEvents fail, its mapping retries; Publish is not involved.
        fx.Stack.Edge.Forward("events", new Uri("http://127.0.0.1:9/"));
        try
        {
            await PutAsync(tenant, "d-1", "order/7");
            await client.WaitForAsync(m => TestSocket.Is(m, "change") && m.GetProperty("channel").GetString() == "entity/order/7", "the push while the bus is down");
            Assert.Empty(await consumers.ReadAsync(queue, 10, consume: false, CancellationToken.None));
        }
        finally
        {
            fx.Stack.Edge.Forward("events", new Uri(fx.Stack.Endpoints.MotoEndpoint));
        }

        var received = await ReceivedAsync(consumers, queue, 1);
        var change = Assert.Single(received);
        Assert.Equal(tenant, change.GetProperty("detail").GetProperty("tenant").GetString());
    }
}
