using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using EventPipeline.Aws;
using EventPipeline.Connections;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Connections;

/// <summary>In AWS the $connect check finds the issuer's keys by OpenID Connect discovery, like the HTTP API authorizer.</summary>
public sealed class TokenDiscoveryTests
{
    private sealed class FakeIssuer(string issuer, string jwks) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            var body = request.RequestUri!.AbsolutePath switch
            {
                "/pool/.well-known/openid-configuration" => $$"""{"issuer":"{{issuer}}","jwks_uri":"{{issuer}}/keys.json"}""",
                "/pool/keys.json" => jwks,
                _ => null,
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task DiscoverTokensAsync_IssuerWithJwks_ValidatesTheIssuersTokens()
    {
        const string issuer = "https://idp.example/pool";
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "k1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        var jwks = $$"""{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
        using var handler = new FakeIssuer(issuer, jwks);
        using var http = new HttpClient(handler);
        var settings = PipelineSettings.FromVariables(new Dictionary<string, string> { [PipelineTopology.Environment.JwtIssuer] = issuer, [PipelineTopology.Environment.JwtAudience] = "eventpipeline" });

        var tokens = await ConnectionsComposition.DiscoverTokensAsync(settings, http, CancellationToken.None);
        var validator = new TenantTokenValidator(tokens);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "eventpipeline",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("tenant", "acme")]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        Assert.Equal("acme", (await validator.ValidateAsync(token)).Tenant);
        Assert.Equal(2, handler.Requests.Count);
        using var other = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "eventpipeline",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("tenant", "acme")]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(other) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
        Assert.False((await validator.ValidateAsync(forged)).IsValid);
    }
}
