namespace EventPipeline.Application.Ports;

/// <summary>
/// Remembers which input an execution name (i.e. a tenant's Idempotency-Key) was first used with. Step Functions alone
/// cannot tell a retry from a conflicting request once the execution has closed (both answer ExecutionAlreadyExists),
/// so the API records the input hash first. In AWS this is the operations table
/// (the operations table), with a TTL past Step Functions' 90-day name reuse window.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Records <paramref name="inputHash"/> for <paramref name="executionName"/> unless a hash is already there, and returns
    /// the stored hash (ours when first, the earlier one otherwise). Must be atomic (a conditional put).
    /// </summary>
    Task<string> GetOrAddInputHashAsync(string executionName, string inputHash, CancellationToken cancellationToken);
}
