using System.Text;
using EventPipeline.Connections;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EventPipeline.Connections.Tests;

public sealed class TenantTokenValidatorTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "eventpipeline";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");
    private readonly TenantTokenValidator _validator = new(TokenSettings.Hs256(Issuer, Audience, Key));

    [Fact]
    public async Task ValidateAsync_IssuedToken_BindsItsTenant()
    {
        var result = await _validator.ValidateAsync(TenantTokenValidator.Issue(Key, Issuer, Audience, "acme", TimeSpan.FromMinutes(5)));

        Assert.True(result.IsValid);
        Assert.Equal("acme", result.Tenant);
    }

    [Theory]
    [InlineData("[\"acme\",\"other\"]")]
    [InlineData("[\"acme\"]")]
    [InlineData("42")]
    [InlineData("{\"name\":\"acme\"}")]
    [InlineData("true")]
    public async Task ValidateAsync_TenantClaimNotOneString_IsRefused(string claimJson)
    {
        var result = await _validator.ValidateAsync(Token($"\"tenant\":{claimJson}"));

        Assert.False(result.IsValid);
        Assert.Null(result.Tenant);
        Assert.Equal("token: claim 'tenant' must be one string", result.Error);
    }

    [Fact]
    public async Task ValidateAsync_NoTenantClaim_IsRefused()
    {
        var result = await _validator.ValidateAsync(Token("\"sub\":\"user\""));

        Assert.False(result.IsValid);
        Assert.Equal("token: claim 'tenant' must be one string", result.Error);
    }

    [Fact]
    public async Task ValidateAsync_TenantBreakingTheNameRule_SaysTheRule()
    {
        var result = await _validator.ValidateAsync(Token("\"tenant\":\"acme other\""));

        Assert.False(result.IsValid);
        Assert.StartsWith("token: claim 'tenant' must be 1-64 characters", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_OtherIssuer_IsRefused()
    {
        var result = await _validator.ValidateAsync(TenantTokenValidator.Issue(Key, "https://elsewhere.test", Audience, "acme", TimeSpan.FromMinutes(5)));

        Assert.Equal("token: issuer is not accepted", result.Error);
    }

    /// <summary>A correctly signed, unexpired token whose payload holds <paramref name="claims"/> besides the standard ones.</summary>
    private static string Token(string claims)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","iat":{{now}},"nbf":{{now - 1}},"exp":{{now + 300}},{{claims}}}""";
        return new JsonWebTokenHandler().CreateToken(payload, new SigningCredentials(new SymmetricSecurityKey(Key), SecurityAlgorithms.HmacSha256));
    }
}
