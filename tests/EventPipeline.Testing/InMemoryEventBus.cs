using System.Collections.Concurrent;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>
/// An <see cref="IEventBusWriter"/> that keeps what it accepted; <see cref="Unavailable"/> answers every entry
/// retryable (the bus down or throttling), <see cref="Refuse"/> refuses entries whose detail contains a text for good.
/// </summary>
public sealed class InMemoryEventBus : IEventBusWriter
{
    private readonly ConcurrentQueue<BusEntry> _accepted = new();

    /// <summary>Every entry accepted, in order.</summary>
    public IReadOnlyList<BusEntry> Accepted => [.. _accepted];

    /// <summary>While true, nothing is accepted and every entry comes back retryable.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Entries whose detail contains this are refused with <c>MalformedDetail</c>.</summary>
    public string? Refuse { get; set; }

    /// <inheritdoc />
    public Task<IReadOnlyList<BusEntryResult>> PutAsync(IReadOnlyList<BusEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var results = new List<BusEntryResult>(entries.Count);
        foreach (var e in entries)
        {
            if (Unavailable)
            {
                results.Add(new BusEntryResult(null, "ServiceUnavailable", "the bus is down", Retryable: true));
            }
            else if (Refuse is { } text && e.Detail.Contains(text, StringComparison.Ordinal))
            {
                results.Add(new BusEntryResult(null, "MalformedDetail", "Detail is malformed.", Retryable: false));
            }
            else
            {
                _accepted.Enqueue(e);
                results.Add(new BusEntryResult("e-" + _accepted.Count, null, null, Retryable: false));
            }
        }

        return Task.FromResult<IReadOnlyList<BusEntryResult>>(results);
    }
}
