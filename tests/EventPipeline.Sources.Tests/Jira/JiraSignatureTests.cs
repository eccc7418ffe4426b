using System.Text;
using EventPipeline.Sources.Jira;

namespace EventPipeline.Sources.Tests.Jira;

/// <summary>Jira's X-Hub-Signature against independently computed HMACs and its failure reasons.</summary>
public sealed class JiraSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static WebhookRequest Request(params (string Name, string Value)[] headers) =>
        new("POST", "https://h/x", headers.ToDictionary(h => h.Name, h => h.Value), Body);

    [Fact]
    public void Sign_Jira_IsPrefixedHexHmacSha256OfBody()
    {
        Assert.Equal("sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342", new JiraSignature().Sign(Body, "", "key", Now)["x-hub-signature"]);
    }

    [Theory]
    [InlineData(null, "missing X-Hub-Signature header")]
    [InlineData("md5=abc", "X-Hub-Signature must start with sha256=")]
    [InlineData("sha256=zz", "X-Hub-Signature is not hex")]
    [InlineData("sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e343", "signature mismatch")]
    public void Verify_JiraBadHeader_FailsWithReason(string? header, string reason)
    {
        var request = header is null ? Request() : Request(("x-hub-signature", header));

        var result = new JiraSignature().Verify(request, ["key"], Now);

        Assert.False(result.Ok);
        Assert.Equal(reason, result.Reason);
    }
}
