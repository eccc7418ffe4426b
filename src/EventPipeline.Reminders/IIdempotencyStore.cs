namespace EventPipeline.Reminders;

/// <summary>
/// Remembers which input an execution name (i.e. a tenant's Idempotency-Key) was first used with. Step Functions alone
/// cannot tell a retry from a conflicting request once the execution has closed (both answer ExecutionAlreadyExists),
/// so the API records the input hash first. In AWS this is the operations table
/// (<see cref="EventPipeline.Topology.PipelineTopology.Tables.Operations"/>), with a TTL past Step Functions' 90-day name reuse window.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Records <paramref name="inputHash"/> for <paramref name="executionName"/> unless a hash is already there, and returns
    /// the stored hash (ours when first, the earlier one otherwise). Must be atomic (a conditional put).
    /// </summary>
    Task<string> GetOrAddInputHashAsync(string executionName, string inputHash, CancellationToken cancellationToken);
}

/// <summary>An in-process store (tests and the single-process local stack).</summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<string> GetOrAddInputHashAsync(string executionName, string inputHash, CancellationToken cancellationToken)
        => Task.FromResult(_hashes.GetOrAdd(executionName, inputHash));
}
