using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Connections and subscriptions in memory; subscribers are found per tenant and channel.</summary>
public sealed class InMemoryConnectionStore : IConnectionStore
{
    private readonly Dictionary<string, ConnectionInfo> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>Connection ids currently stored.</summary>
    public IReadOnlyCollection<string> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections.Keys];
            }
        }
    }

    /// <inheritdoc />
    public Task AddAsync(ConnectionInfo connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_connections)
        {
            _connections[connection.ConnectionId] = connection;
            _subscriptions.TryAdd(connection.ConnectionId, new HashSet<string>(StringComparer.Ordinal));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            return Task.FromResult(_connections.GetValueOrDefault(connectionId));
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(ConnectionInfo connection, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_connections)
        {
            if (_subscriptions.TryGetValue(connection.ConnectionId, out var channels))
            {
                channels.Add(channel);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(string connectionId, string channel, CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            if (_subscriptions.TryGetValue(connectionId, out var channels))
            {
                channels.Remove(channel);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string connectionId, CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            _connections.Remove(connectionId);
            _subscriptions.Remove(connectionId);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> SubscribersAsync(string tenant, string channel, CancellationToken cancellationToken)
    {
        lock (_connections)
        {
            IReadOnlyList<string> ids = _connections.Values
                .Where(c => c.Tenant == tenant && _subscriptions[c.ConnectionId].Contains(channel))
                .Select(c => c.ConnectionId)
                .Order(StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(ids);
        }
    }
}
