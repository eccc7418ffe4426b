namespace EventPipeline.Application.Ports;

/// <summary>Connections and their subscriptions.</summary>
public interface IConnectionStore
{
    Task AddAsync(ConnectionInfo connection, CancellationToken cancellationToken);

    Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Subscribes a connection to one of its tenant's channels. The tenant comes from the stored connection, never from the client.</summary>
    Task SubscribeAsync(ConnectionInfo connection, string channel, CancellationToken cancellationToken);

    Task UnsubscribeAsync(string connectionId, string channel, CancellationToken cancellationToken);

    /// <summary>Removes the connection and all its subscriptions.</summary>
    Task RemoveAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Connections of <paramref name="tenant"/> subscribed to <paramref name="channel"/> (one index query, no scan).</summary>
    Task<IReadOnlyList<string>> SubscribersAsync(string tenant, string channel, CancellationToken cancellationToken);
}
