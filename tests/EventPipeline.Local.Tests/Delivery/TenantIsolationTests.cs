using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Tests.Integration;
using Xunit.Abstractions;

namespace EventPipeline.Local.Tests.Delivery;

[Collection(LocalStackCollection.Name)]
public sealed class TenantIsolationTests(LocalStackFixture fx, ITestOutputHelper output)
{
    private static readonly string[] ChannelPool =
        ["tenant", "entity/order/1", "entity/order/2", "entity/order/3", "entity/order/4", "metric/qty", "metric/events", "source/cloudevents"];

    [Fact]
    public async Task Push_ManyClientsRandomChannelsUnderLoad_ZeroCrossTenantMessages()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        // Different volumes and disjoint qty ranges per tenant, so every push's data says whose it is; the channel
        // names are the same in every tenant, which is where a leak would show.
        var tenants = Enumerable.Range(0, 3).Select(t => (Name: LocalStackFixture.NewTenant($"i{t}"), Events: 60 + (20 * t), QtyBase: 1000 * (t + 1))).ToList();
        var clients = new List<(string Tenant, int Index, TestSocket Socket, string[] Channels)>();
        try
        {
            foreach (var (t, index) in tenants.Select((t, i) => (t, i)))
            {
                for (var c = 0; c < 5; c++)
                {
                    var channels = ChannelPool.OrderBy(_ => random.Next()).Take(random.Next(2, 5)).ToArray();
                    var socket = await fx.ConnectAsync(fx.Stack.IssueToken(t.Name));
                    clients.Add((t.Name, index, socket, channels));
                    foreach (var channel in channels)
                    {
                        await socket.SubscribeAsync(channel);
                    }
                }
            }

            await Task.WhenAll(tenants.Select(t => fx.Kinesis.PutRecordsAsync(
                fx.Stack.Settings.EventsStream,
                Enumerable.Range(0, t.Events).Select(i => new PutRecordsEntry(
                    $"{t.Name}:{i % 4}",
                    LocalStackFixture.CloudEvent(t.Name, $"iso-{i}", $"order/{(i % 4) + 1}", data: $$"""{"owner":"{{t.Name}}","qty":{{t.QtyBase + i}}}"""))).ToList(),
                CancellationToken.None)));
            foreach (var t in tenants)
            {
                await DeliveryKit.UntilAsync(() => fx.EventCountAsync(t.Name), t.Events, $"{t.Name}'s events applied", TimeSpan.FromSeconds(90));
            }

            // Every client gets every push of its channels: its tenant's sequences 1..latest, nothing more.
            foreach (var (tenant, _, socket, channels) in clients)
            {
                foreach (var channel in channels)
                {
                    await LocalStackFixture.EventuallyAsync(
                        async () =>
                        {
                            var latest = await fx.LatestSequenceAsync(tenant, channel);
                            return latest > 0 && socket.Sequences(channel).DefaultIfEmpty().Max() == latest ? "ok" : null;
                        },
                        $"{tenant} {channel} fully pushed");
                }
            }

            var pushes = 0;
            foreach (var (tenant, index, socket, channels) in clients)
            {
                var (_, events, qtyBase) = tenants[index];
                Assert.DoesNotContain(socket.Messages, m => TestSocket.Is(m, "error") || TestSocket.Is(m, "reload"));
                foreach (var channel in channels)
                {
                    var sequences = socket.Sequences(channel).Order().ToList();
                    Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
                    Assert.Equal(await fx.LatestSequenceAsync(tenant, channel), sequences.Count);
                }

                foreach (var push in socket.Messages.Where(m => TestSocket.Is(m, "change")))
                {
                    pushes++;
                    Assert.Contains(push.GetProperty("channel").GetString(), channels);
                    AssertBelongsTo(push.GetProperty("data"), tenant, events, qtyBase);
                }
            }

            output.WriteLine($"{pushes} pushes to {clients.Count} clients checked");
            Assert.True(pushes > clients.Count, "every client got pushes");
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.Socket.DisposeAsync();
            }
        }
    }

    private static void AssertBelongsTo(JsonElement data, string tenant, int events, int qtyBase)
    {
        if (data.TryGetProperty("attributes", out var attributes))
        {
            Assert.Equal(tenant, attributes.GetProperty("owner").GetString());
            Assert.InRange(data.GetProperty("eventCount").GetInt64(), 1, events);
            return;
        }

        var metric = data.GetProperty("metric").GetString();
        Assert.InRange(data.GetProperty("count").GetInt64(), 1, events);
        if (metric == "qty")
        {
            Assert.InRange(data.GetProperty("min").GetDecimal(), qtyBase, qtyBase + events - 1);
            Assert.InRange(data.GetProperty("max").GetDecimal(), qtyBase, qtyBase + events - 1);
        }
        else
        {
            Assert.Equal("events", metric);
        }
    }
}
