namespace EventPipeline.Application.Ports;

/// <summary>Outcome of validating a token: the tenant, or why it was refused (no token contents in the reason).</summary>
public readonly record struct TokenResult(string? Tenant, string? Error)
{
    /// <summary>True when valid.</summary>
    public bool IsValid => Tenant is not null;
}
