using EventPipeline.Domain;

namespace EventPipeline.Application.Ports;

/// <summary>Decides which stream position applies each event (tenant, source, dedup id).</summary>
public interface IDedupStore
{
    /// <summary>
    /// Claims each key for its owner (the stream position the event was read at) unless another owner holds it.
    /// A key claimed by the same owner before (a redelivery) stays this owner's.
    /// </summary>
    Task<DedupClaim> ClaimAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> candidates, CancellationToken cancellationToken);

    /// <summary>
    /// Marks claims as applied (every aggregate key written). An applied claim is never taken over; an unapplied one
    /// can be, once older than the claim lease — so a record abandoned after its retries can be redriven.
    /// Returns the number of write requests made.
    /// </summary>
    Task<int> MarkAppliedAsync(IReadOnlyCollection<(DedupKey Key, string Owner)> applied, CancellationToken cancellationToken);
}
