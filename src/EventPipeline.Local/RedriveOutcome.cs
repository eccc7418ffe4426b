using EventPipeline.Aws.Clients;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Local.DeadLetters;
using EventPipeline.Domain;
using EventPipeline.Sources;

namespace EventPipeline.Local;

/// <summary>What happened to one dead-letter entry asked to be redriven.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="SequenceNumber">Sequence number of the re-put record; null when it was not put.</param>
/// <param name="Error">Why it was not redriven (field and rule); null on success.</param>
public sealed record RedriveOutcome(string Id, string? SequenceNumber, string? Error)
{
    /// <summary>True when the entry was put back on the stream and marked redriven.</summary>
    public bool Redriven => Error is null;
}
