using System.Collections.Concurrent;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Dead letters in memory; <see cref="Unavailable"/> makes sending throw, like a queue that is down.</summary>
public sealed class InMemoryDeadLetters : IDeadLetterSink
{
    private readonly ConcurrentQueue<DeadLetterEntry> _entries = new();

    /// <summary>When true, <see cref="SendAsync"/> throws.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Every entry sent, in order.</summary>
    public IReadOnlyList<DeadLetterEntry> Entries => [.. _entries];

    /// <inheritdoc />
    public Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (Unavailable)
        {
            throw new InvalidOperationException("the dead-letter queue is unavailable");
        }

        foreach (var e in entries)
        {
            _entries.Enqueue(e);
        }

        return Task.CompletedTask;
    }
}
