using EventPipeline.Domain;

namespace EventPipeline.Application.Ports;

/// <summary>Result of claiming events for one delivery.</summary>
/// <param name="OwnedElsewhere">Keys another stream position owns: duplicates, not to be applied here.</param>
/// <param name="WriteRequests">Claim writes made.</param>
public sealed record DedupClaim(IReadOnlySet<DedupKey> OwnedElsewhere, int WriteRequests);
