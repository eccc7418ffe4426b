using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace EventPipeline.Local.Gateway;

/// <summary>
/// The open WebSocket connections of the local API Gateway, by connection id. As in API Gateway, a post to a
/// connection never waits for that client: it goes into the connection's bounded outbound buffer and is written by the
/// connection's own writer, so a client that stops reading delays nobody else. A connection whose buffer overflows, or
/// whose socket does not take a message within <see cref="GatewayLimits.SendTimeout"/>, is closed; posts to it then
/// answer 410 Gone.
/// </summary>
public sealed class WebSocketHub
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private long _slowClosed;

    /// <summary>Number of open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Connections closed because they could not keep up.</summary>
    public long SlowConnectionsClosed => Interlocked.Read(ref _slowClosed);

    internal Connection Add(string id, WebSocket socket, DateTimeOffset connectedAt)
    {
        var connection = new Connection(id, socket, connectedAt, this);
        _connections[id] = connection;
        return connection;
    }

    internal void Remove(string id) => _connections.TryRemove(id, out _);

    /// <summary>Queues one text message for the connection; false when it is gone (API Gateway answers 410).</summary>
    public bool Post(string id, ReadOnlyMemory<byte> payload)
    {
        if (!_connections.TryGetValue(id, out var c) || c.Socket.State != WebSocketState.Open || c.Closing)
        {
            return false;
        }

        if (!c.Outbound.Writer.TryWrite(payload.ToArray()))
        {
            // The client has stopped reading: close it rather than buffer without bound or slow the poster.
            Interlocked.Increment(ref _slowClosed);
            c.Close(WebSocketCloseStatus.PolicyViolation, "client too slow: outbound buffer full");
            return false;
        }

        return true;
    }

    /// <summary>Closes a connection from the server side (DELETE @connections/{id}).</summary>
    public bool Close(string id)
    {
        if (!_connections.TryRemove(id, out var c))
        {
            return false;
        }

        c.Close(WebSocketCloseStatus.NormalClosure, "closed by the server");
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

    /// <summary>When the connection last received or sent a message, or null.</summary>
    public DateTimeOffset? LastActiveAt(string id) => _connections.TryGetValue(id, out var c) ? c.LastActiveAt : null;

    internal void CountSlow() => Interlocked.Increment(ref _slowClosed);

    /// <summary>One connection: its socket, its bounded outbound buffer and the writer draining it.</summary>
    internal sealed class Connection
    {
        private readonly WebSocketHub _hub;
        private int _closing;

        public Connection(string id, WebSocket socket, DateTimeOffset connectedAt, WebSocketHub hub)
        {
            Id = id;
            Socket = socket;
            ConnectedAt = connectedAt;
            LastActiveAt = connectedAt;
            _hub = hub;
            Outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(GatewayLimits.OutboundMessages)
            {
                // Wait: TryWrite then answers false on a full buffer, which closes the connection. (DropWrite would
                // answer true and drop the message silently: a slow client would lose pushes without knowing.)
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
            Writer = Task.Run(WriteLoopAsync);
        }

        public string Id { get; }

        public WebSocket Socket { get; }

        public DateTimeOffset ConnectedAt { get; }

        public DateTimeOffset LastActiveAt { get; set; }

        public Channel<byte[]> Outbound { get; }

        public Task Writer { get; }

        public bool Closing => Volatile.Read(ref _closing) == 1;

        /// <summary>Closes with <paramref name="status"/> (once), without waiting for a client that may never answer.</summary>
        public void Close(WebSocketCloseStatus status, string reason)
        {
            if (Interlocked.Exchange(ref _closing, 1) == 1)
            {
                return;
            }

            Outbound.Writer.TryComplete();
            _ = Task.Run(async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await Socket.CloseOutputAsync(status, reason, timeout.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
                {
                    Socket.Abort();
                }
            });
        }

        private async Task WriteLoopAsync()
        {
            try
            {
                await foreach (var message in Outbound.Reader.ReadAllAsync())
                {
                    using var timeout = new CancellationTokenSource(GatewayLimits.SendTimeout);
                    try
                    {
                        await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                        LastActiveAt = DateTimeOffset.UtcNow;
                    }
                    catch (OperationCanceledException)
                    {
                        _hub.CountSlow();
                        Close(WebSocketCloseStatus.PolicyViolation, "client too slow: a message was not taken in time");
                        Socket.Abort();
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The socket went away; the receive loop removes the connection and runs $disconnect.
            }
        }
    }
}
