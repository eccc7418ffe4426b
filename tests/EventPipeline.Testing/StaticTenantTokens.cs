using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Tokens that are simply their tenant's name (<c>token-for:{tenant}</c>); anything else is refused.</summary>
public sealed class StaticTenantTokens : ITenantTokens
{
    /// <summary>The token accepted for <paramref name="tenant"/>.</summary>
    public static string For(string tenant) => "token-for:" + tenant;

    /// <inheritdoc />
    public Task<TokenResult> ValidateAsync(string? token, CancellationToken cancellationToken = default) =>
        Task.FromResult(token is { } t && t.StartsWith("token-for:", StringComparison.Ordinal) && t.Length > 10
            ? new TokenResult(t[10..], null)
            : new TokenResult(null, "token: not valid"));
}
