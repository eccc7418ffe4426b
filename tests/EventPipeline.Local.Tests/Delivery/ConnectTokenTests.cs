using System.Security.Claims;
using EventPipeline.Connections;
using EventPipeline.Local.Tests.Integration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EventPipeline.Local.Tests.Delivery;

[Collection(LocalStackCollection.Name)]
public sealed class ConnectTokenTests(LocalStackFixture fx)
{
    [Theory]
    [InlineData("forged")]
    [InlineData("expired")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("no-tenant")]
    [InlineData("invalid-tenant")]
    [InlineData("tenant-array")]
    public async Task Connect_TokenWrongInOneRespect_RefusedWith401(string flaw)
    {
        Assert.Equal(401, await fx.ConnectStatusAsync(Token(flaw)));
    }

    [Fact]
    public async Task Connect_TokenRightInEveryRespect_Accepted()
    {
        // The control for the theory above: the same builder without a flaw is accepted.
        Assert.Equal(0, await fx.ConnectStatusAsync(Token("none")));
    }

    private string Token(string flaw)
    {
        var key = fx.JwtKey();
        var s = fx.Stack.Settings;
        return flaw switch
        {
            "forged" => TenantTokenValidator.Issue(key.Select(b => (byte)(b ^ 0x01)).ToArray(), s.JwtIssuer, s.JwtAudience, "acme", TimeSpan.FromHours(1)),
            "expired" => TenantTokenValidator.Issue(key, s.JwtIssuer, s.JwtAudience, "acme", TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-1)),
            "wrong-audience" => TenantTokenValidator.Issue(key, s.JwtIssuer, "another-api", "acme", TimeSpan.FromHours(1)),
            "wrong-issuer" => TenantTokenValidator.Issue(key, "https://issuer.example", s.JwtAudience, "acme", TimeSpan.FromHours(1)),
            "no-tenant" => Sign(key, new Claim("sub", "user@nowhere")),
            "invalid-tenant" => Sign(key, new Claim("tenant", "acme/../other")),
            "tenant-array" => SignPayload(key, """ "tenant":["acme","other"] """),
            _ => Sign(key, new Claim("tenant", "acme")),
        };
    }

    [Fact]
    public async Task Query_TenantClaimIsAnArray_RefusedWith401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "aggregates/metrics");
        request.Headers.Authorization = new("Bearer", SignPayload(fx.JwtKey(), """ "tenant":["acme","other"] """));

        using var response = await fx.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private string SignPayload(byte[] key, string claims)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"{{fx.Stack.Settings.JwtIssuer}}","aud":"{{fx.Stack.Settings.JwtAudience}}","exp":{{now + 3600}},{{claims}}}""";
        return new JsonWebTokenHandler().CreateToken(payload, new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256));
    }

    private string Sign(byte[] key, Claim claim) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = fx.Stack.Settings.JwtIssuer,
        Audience = fx.Stack.Settings.JwtAudience,
        Expires = DateTime.UtcNow.AddHours(1),
        Subject = new ClaimsIdentity([claim]),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
    });
}
