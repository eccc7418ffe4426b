using System.Security.Cryptography;
using EventPipeline.Sources.Shopify;

namespace EventPipeline.Sources.Tests.Shopify;

/// <summary><see cref="ShopifySignature"/> against an independently computed HMAC.</summary>
public sealed class ShopifySignatureTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_Body_IsBase64HmacSha256OfBody()
    {
        var expected = Convert.ToBase64String(HMACSHA256.HashData("shpss_x"u8, "{\"id\":1}"u8));

        var headers = new ShopifySignature().Sign("{\"id\":1}"u8, "https://x", "shpss_x", ReceivedAt);

        Assert.Equal(expected, headers["X-Shopify-Hmac-Sha256"]);
    }
}
