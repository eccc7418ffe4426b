using System.Net.WebSockets;

namespace EventPipeline.Local.Load;

/// <summary>
/// A WebSocket client that subscribes to its tenant and then never reads: the gateway's bounded buffer for it fills and
/// the gateway closes it, as API Gateway closes a connection that cannot keep up, without delaying anyone else.
/// </summary>
public sealed class StalledClient : IDisposable
{
    private readonly ClientWebSocket _socket = new();

    private StalledClient()
    {
        // The smallest receive buffer the client allows: the socket's kernel buffer fills soon after.
        _socket.Options.SetBuffer(256, 256);
    }

    /// <summary>Connects with <paramref name="token"/> and subscribes to <c>tenant</c>.</summary>
    public static async Task<StalledClient> ConnectAsync(string webSocketUrl, string token, CancellationToken ct)
    {
        var client = new StalledClient();
        await client._socket.ConnectAsync(new Uri($"{webSocketUrl}?token={Uri.EscapeDataString(token)}"), ct);
        await client._socket.SendAsync("""{"action":"subscribe","channel":"tenant"}"""u8.ToArray(), WebSocketMessageType.Text, true, ct);
        return client;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
    }
}
