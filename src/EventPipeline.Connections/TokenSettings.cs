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
