namespace EventPipeline.Application.Ports;

/// <summary>Verifies a caller's token and names its tenant (signature, issuer, audience, expiry, one tenant claim).</summary>
public interface ITenantTokens
{
    /// <summary>The token's tenant, or why it is refused (never the token itself).</summary>
    Task<TokenResult> ValidateAsync(string? token, CancellationToken cancellationToken = default);
}
