using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace EventPipeline.Local.Gateway;

/// <summary>The open WebSocket connections of the local API Gateway emulation, by connection id.</summary>
public sealed class WebSocketHub
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    /// <summary>Number of open connections.</summary>
    public int Count => _connections.Count;

    internal void Add(string id, WebSocket socket, DateTimeOffset connectedAt) => _connections[id] = new Connection(socket, connectedAt);

    internal void Remove(string id) => _connections.TryRemove(id, out _);

    /// <summary>Sends one text message; false when the connection is gone (API Gateway answers 410).</summary>
    public async Task<bool> SendAsync(string id, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(id, out var c) || c.Socket.State != WebSocketState.Open)
        {
            return false;
        }

        await c.Lock.WaitAsync(cancellationToken);
        try
        {
            await c.Socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
        finally
        {
            c.Lock.Release();
        }
    }

    /// <summary>Closes a connection from the server side (DELETE @connections/{id}).</summary>
    public async Task<bool> CloseAsync(string id, CancellationToken cancellationToken)
    {
        if (!_connections.TryRemove(id, out var c))
        {
            return false;
        }

        try
        {
            await c.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "closed by the server", cancellationToken);
        }
        catch (WebSocketException)
        {
        }

        return true;
    }

    /// <summary>Drops a connection without a close handshake (tests: a client that vanished).</summary>
    public bool Abort(string id)
    {
        if (!_connections.TryRemove(id, out var c))
        {
            return false;
        }

        c.Socket.Abort();
        return true;
    }

    /// <summary>When the connection was opened, or null.</summary>
    public DateTimeOffset? ConnectedAt(string id) => _connections.TryGetValue(id, out var c) ? c.ConnectedAt : null;

    private sealed record Connection(WebSocket Socket, DateTimeOffset ConnectedAt)
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
    }
}
