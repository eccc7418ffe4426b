using System.Text;
using EventPipeline.Sources.GitHub;

namespace EventPipeline.Sources.Tests.GitHub;

/// <summary><see cref="GitHubSignature"/>: the documented header shape, hex in either case, and its malformed-header reason.</summary>
public sealed class GitHubSignatureTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly GitHubSignature signature = new();

    [Fact]
    public void Sign_Body_ProducesDocumentedHeaderShape()
    {
        var headers = signature.Sign("{}"u8, "https://x", "s3cret", ReceivedAt);

        var value = Assert.Single(headers).Value;
        Assert.StartsWith("sha256=", value, StringComparison.Ordinal);
        Assert.Equal(7 + 64, value.Length);
    }

    [Fact]
    public void Verify_UppercaseHexSignature_Valid()
    {
        var body = Encoding.UTF8.GetBytes("{\"zen\":true}");
        var hex = Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData("k"u8, body));
        var request = new WebhookRequest("POST", "https://x", new Dictionary<string, string> { ["x-hub-signature-256"] = "sha256=" + hex }, body);

        Assert.True(signature.Verify(request, ["k"], ReceivedAt).Ok);
    }

    [Theory]
    [InlineData("sha1=abcdef")]
    [InlineData("sha256=not-hex")]
    public void Verify_MalformedHeader_ReasonSaysMalformed(string header)
    {
        var request = new WebhookRequest("POST", "https://x", new Dictionary<string, string> { ["x-hub-signature-256"] = header }, "{}"u8.ToArray());

        Assert.Equal("malformed X-Hub-Signature-256 header", signature.Verify(request, ["k"], ReceivedAt).Reason);
    }
}
