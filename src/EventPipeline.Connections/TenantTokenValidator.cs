using EventPipeline.Application.Ports;
using System.Security.Claims;
using System.Text;
using EventPipeline.Domain;
using EventPipeline.Topology;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EventPipeline.Connections;

/// <summary>Where tokens come from: an HS256 key (local stack) or an issuer's signing keys (JWKS, in AWS).</summary>
public sealed record TokenSettings(string Issuer, string Audience, IReadOnlyList<SecurityKey> SigningKeys)
{
    /// <summary>HS256 with a shared key (the local stack's dev key).</summary>
    public static TokenSettings Hs256(string issuer, string audience, byte[] key) =>
        new(issuer, audience, [new SymmetricSecurityKey(key)]);

    /// <summary>Signing keys from a JWKS document (e.g. Cognito's or another OIDC issuer's <c>/.well-known/jwks.json</c>).</summary>
    public static TokenSettings FromJwks(string issuer, string audience, string jwksJson) =>
        new(issuer, audience, [.. new JsonWebKeySet(jwksJson).GetSigningKeys()]);
}

/// <summary>
/// Verifies a JWT's signature, issuer, audience and expiry, and returns the tenant claim it binds the caller to.
/// Used at WebSocket $connect and by the local stack's HTTP API authorizer emulation.
/// </summary>
public sealed class TenantTokenValidator(TokenSettings settings) : ITenantTokens
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters = new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKeys = settings.SigningKeys,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        ValidAlgorithms = ["HS256", "RS256", "ES256"],
    };

    /// <summary>Validates <paramref name="token"/>.</summary>
    public async Task<TokenResult> ValidateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new TokenResult(null, "token: required");
        }

        if (token.Length > 8192)
        {
            return new TokenResult(null, "token: must be at most 8192 characters");
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid)
        {
            return new TokenResult(null, "token: " + Describe(result.Exception));
        }

        // One JSON string, read from the payload itself: the claims identity turns an array ["acme","other"] into two
        // claims, and taking the first would bind the caller to a tenant the issuer never chose alone.
        if (!TryReadStringClaim(result.SecurityToken, PipelineTopology.Auth.TenantClaim, out var tenant))
        {
            return new TokenResult(null, $"token: claim '{PipelineTopology.Auth.TenantClaim}' must be one string");
        }

        if (!Names.IsValidTenant(tenant))
        {
            return new TokenResult(null, $"token: claim '{PipelineTopology.Auth.TenantClaim}' {Names.TenantRule}");
        }

        return new TokenResult(tenant, null);
    }

    private static bool TryReadStringClaim(SecurityToken token, string name, out string? value)
    {
        value = null;
        if (token is not JsonWebToken jwt || !jwt.TryGetPayloadValue<object>(name, out var raw))
        {
            return false;
        }

        value = raw as string;
        return value is not null;
    }

    /// <summary>Issues a token (the local stack's demo token and tests).</summary>
    public static string Issue(byte[] key, string issuer, string audience, string tenant, TimeSpan lifetime, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt.AddSeconds(-1),
            Expires = issuedAt + lifetime,
            Subject = new ClaimsIdentity([new Claim(PipelineTopology.Auth.TenantClaim, tenant), new Claim("sub", $"user@{tenant}")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenInvalidAudienceException => "audience is not accepted",
        SecurityTokenInvalidIssuerException => "issuer is not accepted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature is invalid",
        SecurityTokenNotYetValidException => "not valid yet",
        SecurityTokenNoExpirationException => "must have an expiry",
        SecurityTokenMalformedException or ArgumentException => "malformed",
        _ => "invalid",
    };

    /// <summary>UTF-8 bytes of a configured key string.</summary>
    public static byte[] KeyBytes(string key) => Encoding.UTF8.GetBytes(key);
}
