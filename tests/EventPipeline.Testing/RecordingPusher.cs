using System.Collections.Concurrent;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>An <see cref="IConnectionPusher"/> that records every push; connections in <see cref="Gone"/> answer Gone.</summary>
public sealed class RecordingPusher : IConnectionPusher
{
    private readonly ConcurrentQueue<(string ConnectionId, byte[] Payload)> _pushes = new();

    /// <summary>Connections that no longer exist.</summary>
    public ConcurrentDictionary<string, bool> Gone { get; } = new(StringComparer.Ordinal);

    /// <summary>Connections whose pushes fail (throttled, refused).</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>Every delivered push, in order.</summary>
    public IReadOnlyList<(string ConnectionId, byte[] Payload)> Pushes => [.. _pushes];

    /// <summary>Delivered pushes to one connection, as text.</summary>
    public IReadOnlyList<string> To(string connectionId) =>
        _pushes.Where(p => p.ConnectionId == connectionId).Select(p => System.Text.Encoding.UTF8.GetString(p.Payload)).ToList();

    /// <inheritdoc />
    public Task<PushOutcome> PushAsync(string connectionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (Gone.ContainsKey(connectionId))
        {
            return Task.FromResult(PushOutcome.Gone);
        }

        if (Failing.ContainsKey(connectionId))
        {
            return Task.FromResult(PushOutcome.Failed);
        }

        _pushes.Enqueue((connectionId, payload.ToArray()));
        return Task.FromResult(PushOutcome.Delivered);
    }
}
