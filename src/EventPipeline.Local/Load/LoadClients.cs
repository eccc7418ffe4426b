using System.Net.WebSockets;

namespace EventPipeline.Local.Load;

/// <summary>One real WebSocket client per tenant, subscribed to <c>tenant</c>, handing every message to a <see cref="PushCollector"/>.</summary>
public sealed class LoadClients : IAsyncDisposable
{
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task> _receivers = [];
    private readonly CancellationTokenSource _stop = new();

    private LoadClients()
    {
    }

    /// <summary>Connects and subscribes a client per tenant (<paramref name="tokens"/>: tenant → token).</summary>
    public static async Task<LoadClients> ConnectAsync(string webSocketUrl, IReadOnlyDictionary<string, string> tokens, PushCollector collector, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(collector);
        var clients = new LoadClients();
        try
        {
            foreach (var (tenant, token) in tokens)
            {
                var ws = new ClientWebSocket();
                clients._sockets.Add(ws);
                await ws.ConnectAsync(new Uri($"{webSocketUrl}?token={Uri.EscapeDataString(token)}"), ct);
                await ws.SendAsync("""{"action":"subscribe","channel":"tenant"}"""u8.ToArray(), WebSocketMessageType.Text, true, ct);
                clients._receivers.Add(ReceiveAsync(ws, tenant, collector, clients._stop.Token));
            }
        }
        catch
        {
            await clients.DisposeAsync();
            throw;
        }

        return clients;
    }

    /// <summary>Clients whose connection ended (closed by the gateway, or failed).</summary>
    public int Closed => _sockets.Count(s => s.State != WebSocketState.Open);

    private static async Task ReceiveAsync(ClientWebSocket ws, string tenant, PushCollector collector, CancellationToken ct)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(count), ct);
                    count += r.Count;
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                collector.OnMessage(tenant, buffer.AsSpan(0, count), DateTimeOffset.UtcNow);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var ws in _sockets)
        {
            ws.Abort();
            ws.Dispose();
        }

        await Task.WhenAll(_receivers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }
}
