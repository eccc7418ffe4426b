using System.Net.WebSockets;
using System.Text;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Gateway;
using EventPipeline.Local.Tests.Delivery;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Gateway;

/// <summary>API Gateway's WebSocket limits, enforced by the local gateway (numbers in <see cref="GatewayLimits"/>, with their source).</summary>
[Collection(LocalStackCollection.Name)]
public sealed class GatewayLimitTests(LocalStackFixture fx)
{
    private async Task<ClientWebSocket> ConnectRawAsync(string tenant)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"{fx.Stack.Endpoints.WebSocketUrl}?token={Uri.EscapeDataString(fx.Stack.IssueToken(tenant))}"), CancellationToken.None);
        return socket;
    }

    /// <summary>Reads until the server closes; returns the close status it sent.</summary>
    private static async Task<WebSocketCloseStatus?> CloseStatusAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return result.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return socket.CloseStatus;
        }
    }

    private static string Ping(int bytes)
    {
        const string head = "{\"action\":\"ping\",\"pad\":\"";
        return head + new string('p', bytes - head.Length - 2) + "\"}";
    }

    [Fact]
    public async Task Message_Over128KB_ClosedWith1009()
    {
        using var socket = await ConnectRawAsync(LocalStackFixture.NewTenant("big"));
        var message = Encoding.UTF8.GetBytes(Ping(GatewayLimits.MaxMessageBytes + 1));

        // In frames of 16 KB, each within the frame limit: only the message is too big.
        for (var offset = 0; offset < message.Length; offset += 16 * 1024)
        {
            var end = Math.Min(message.Length, offset + (16 * 1024));
            try
            {
                await socket.SendAsync(message.AsMemory(offset, end - offset), WebSocketMessageType.Text, end == message.Length, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break; // closed while sending
            }
        }

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await CloseStatusAsync(socket));
    }

    [Fact]
    public async Task Frame_Over32KB_ClosedWith1009()
    {
        using var socket = await ConnectRawAsync(LocalStackFixture.NewTenant("frame"));

        await socket.SendAsync(Encoding.UTF8.GetBytes(Ping(GatewayLimits.MaxFrameBytes + 1)), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await CloseStatusAsync(socket));
    }

    [Fact]
    public async Task Message_Of100KBInFramesWithinTheLimit_IsAnswered()
    {
        await using var client = new TestSocket(await ConnectRawAsync(LocalStackFixture.NewTenant("frames")));
        await client.SendInFramesAsync(Ping(100 * 1024), 30 * 1024);

        await client.WaitForAsync(m => TestSocket.Is(m, "pong"), "pong for a 100 KB message");
    }

    [Fact]
    public async Task PostToConnection_Over128KB_413PayloadTooLarge_AtTheLimit_Delivered()
    {
        var tenant = LocalStackFixture.NewTenant("post");
        // The test posts frames of its own through @connections: a transport limit, not the protocol.
        await using var client = await fx.ConnectAsync(fx.Stack.IssueToken(tenant), checkFrames: false);
        var id = Assert.Single(await fx.ConnectionIdsAsync(tenant));
        using var management = ManagementClient();

        var tooBig = await Assert.ThrowsAsync<AwsServiceException>(() => management.PostToConnectionAsync(id, new byte[GatewayLimits.MaxMessageBytes + 1], CancellationToken.None));
        Assert.Equal(413, (int)tooBig.StatusCode);
        Assert.Equal("PayloadTooLargeException", tooBig.ErrorCode);

        var atLimit = Encoding.UTF8.GetBytes("{\"type\":\"note\",\"pad\":\"" + new string('n', GatewayLimits.MaxMessageBytes - 24) + "\"}");
        Assert.Equal(GatewayLimits.MaxMessageBytes, atLimit.Length);
        await management.PostToConnectionAsync(id, atLimit, CancellationToken.None);
        await client.WaitForAsync(m => TestSocket.Is(m, "note"), "the 128 KB post");
    }

    [Fact]
    public async Task StalledReader_NeverDelaysAnotherTenantsPushes_AndIsClosedWhenItsBufferOverflows()
    {
        var stalledTenant = LocalStackFixture.NewTenant("stalled");
        var otherTenant = LocalStackFixture.NewTenant("other");
        // A client that never reads: its socket's receive window fills, then the gateway's buffer for it.
        using var stalled = await ConnectRawAsync(stalledTenant);
        await using var other = await fx.ConnectAsync(fx.Stack.IssueToken(otherTenant), checkFrames: false);
        var stalledId = Assert.Single(await fx.ConnectionIdsAsync(stalledTenant));
        var otherId = Assert.Single(await fx.ConnectionIdsAsync(otherTenant));
        using var management = ManagementClient();
        var payload = new byte[100 * 1024];
        payload.AsSpan().Fill((byte)' ');
        "{}"u8.CopyTo(payload);

        // Posts to the stalled connection never wait for it: each returns (200 while buffered, 410 once closed).
        var gone = false;
        for (var i = 0; i < GatewayLimits.OutboundMessages + 200 && !gone; i++)
        {
            try
            {
                await management.PostToConnectionAsync(stalledId, payload, CancellationToken.None);
            }
            catch (GoneException)
            {
                gone = true;
            }

            if (i == 50)
            {
                // Meanwhile the other tenant's messages go straight through, while the stalled client still stalls.
                await management.PostToConnectionAsync(otherId, """{"type":"note","n":1}"""u8.ToArray(), CancellationToken.None);
                await other.WaitForAsync(m => TestSocket.Is(m, "note"), "the other tenant's post while one client stalls");
            }
        }

        Assert.True(gone, "the stalled connection was never closed");
        Assert.True(fx.Stack.Gateway.Hub.SlowConnectionsClosed >= 1);
        Assert.Equal(WebSocketState.Open, other.State);
    }

    private ApiGatewayManagementClient ManagementClient()
    {
        var endpoint = fx.Stack.Deployment.Function(EventPipeline.Publish.PublishComposition.FunctionKey).Environment[PipelineTopology.Environment.WebSocketManagementEndpoint];
        return new ApiGatewayManagementClient(
            new AwsEndpoints { Region = fx.Stack.Options.Region, Credentials = fx.Stack.AdministratorCredentials, ExecuteApi = new Uri(endpoint) },
            new HttpClient());
    }
}
