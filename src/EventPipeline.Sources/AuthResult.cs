namespace EventPipeline.Sources;

/// <summary>Result of an authenticity check.</summary>
/// <param name="Ok">True when the request is authentic.</param>
/// <param name="Reason">When not ok: why, without revealing secrets or expected values (e.g. "signature mismatch", "timestamp outside 300 s tolerance").</param>
public readonly record struct AuthResult(bool Ok, string? Reason)
{
    /// <summary>Authentic.</summary>
    public static AuthResult Valid => new(true, null);

    /// <summary>Not authentic, with a reason.</summary>
    public static AuthResult Invalid(string reason) => new(false, reason);
}
