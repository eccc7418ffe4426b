using System.Collections.Concurrent;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Execution names and their first input hash, in memory (atomic per name).</summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<string> GetOrAddInputHashAsync(string executionName, string inputHash, CancellationToken cancellationToken) =>
        Task.FromResult(_hashes.GetOrAdd(executionName, inputHash));
}
