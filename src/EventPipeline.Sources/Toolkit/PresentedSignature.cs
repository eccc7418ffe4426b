namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// What a request offers as proof once its provider's header has been read: the candidates (signatures, several
/// while a provider rotates secrets, or a token), the bytes they were computed over, and the signing time when the
/// provider signs one. A reading that failed carries only the reason.
/// </summary>
internal sealed record PresentedSignature
{
    private PresentedSignature(IReadOnlyList<byte[]> candidates, ReadOnlyMemory<byte> payload, string? failure)
    {
        Candidates = candidates;
        Payload = payload;
        Failure = failure;
    }

    /// <summary>The candidate signatures or token; any one matching suffices.</summary>
    public IReadOnlyList<byte[]> Candidates { get; }

    /// <summary>What the provider signed after <see cref="Prefix"/>: usually the raw body.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>What the provider signed before the payload (a timestamp), empty when nothing.</summary>
    public ReadOnlyMemory<byte> Prefix { get; init; }

    /// <summary>When the provider signed, checked against the replay window; null when it signs no time.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>Why the header could not be read; null when it could.</summary>
    public string? Failure { get; }

    /// <summary>Candidates computed over <paramref name="payload"/>.</summary>
    public static PresentedSignature Over(ReadOnlyMemory<byte> payload, params IReadOnlyList<byte[]> candidates) => new(candidates, payload, null);

    /// <summary>A header that is not in the provider's format.</summary>
    public static PresentedSignature Invalid(string reason) => new([], default, reason);
}
