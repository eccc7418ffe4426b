namespace EventPipeline.Application.Ingest;

/// <summary>
/// Whether the claim round reads an entity item the cache does not hold before writing it (ADR 0003, amended).
/// A write that guesses the item is new (<c>attribute_not_exists</c>) saves the read's round trip and its read unit when
/// the guess is right; when it is wrong the store bills a failed conditional write and returns the stored item, and
/// the claim is decided again on it, in the same number of round trips as reading first.
/// </summary>
public enum UncachedEntityReads
{
    /// <summary>Guess while few of the instance's recent uncached entity items turned out stored (<see cref="EntityPresence"/>).</summary>
    Adaptive,

    /// <summary>Always read first (one read round before the claims).</summary>
    ReadFirst,

    /// <summary>Always guess the item is new.</summary>
    WriteFirst,
}
