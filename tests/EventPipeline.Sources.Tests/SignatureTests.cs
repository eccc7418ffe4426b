using System.Text;
using EventPipeline.Sources.CloudEvents;
using EventPipeline.Sources.Csv;
using EventPipeline.Sources.EventBridge;
using EventPipeline.Sources.Jira;
using EventPipeline.Sources.Salesforce;
using EventPipeline.Sources.Segment;

namespace EventPipeline.Sources.Tests;

/// <summary>Group-B signature schemes against independently computed values and their failure reasons.</summary>
public sealed class SignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static WebhookRequest Request(params (string Name, string Value)[] headers) =>
        new("POST", "https://h/x", headers.ToDictionary(h => h.Name, h => h.Value), Body);

    [Fact]
    public void Sign_Segment_IsHexHmacSha1OfBody()
    {
        // Computed independently: HMAC-SHA1(key "key", body {"a":1}).
        Assert.Equal("b5557a4b8f3cc308d19eb4f69f336392a31eef7b", new SegmentSignature().Sign(Body, "", "key", Now)["x-signature"]);
    }

    [Fact]
    public void Sign_Jira_IsPrefixedHexHmacSha256OfBody()
    {
        Assert.Equal("sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342", new JiraSignature().Sign(Body, "", "key", Now)["x-hub-signature"]);
    }

    [Fact]
    public void Verify_SegmentSignedWithRotatedSecret_Succeeds()
    {
        var request = Request(("x-signature", "b5557a4b8f3cc308d19eb4f69f336392a31eef7b"));

        Assert.True(new SegmentSignature().Verify(request, ["new-key", "key"], Now).Ok);
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

    public static TheoryData<IWebhookAuthenticator> BearerSources() =>
        [new SalesforceSignature(), new EventBridgeSignature(), new CloudEventsSignature(), new CsvSignature()];

    [Theory]
    [MemberData(nameof(BearerSources))]
    public void Verify_BearerToken_AcceptsActiveSecretsOnly(IWebhookAuthenticator authenticator)
    {
        Assert.True(authenticator.Verify(Request(("authorization", "Bearer s2")), ["s1", "s2"], Now).Ok);
        Assert.True(authenticator.Verify(Request(("Authorization", "bearer s1")), ["s1"], Now).Ok);

        var wrong = authenticator.Verify(Request(("authorization", "Bearer s3")), ["s1", "s2"], Now);
        Assert.False(wrong.Ok);
        Assert.Equal("bearer token mismatch", wrong.Reason);
        Assert.Equal("missing Authorization header", authenticator.Verify(Request(), ["s1"], Now).Reason);
        Assert.Equal("Authorization header must use the Bearer scheme", authenticator.Verify(Request(("authorization", "Basic czE=")), ["s1"], Now).Reason);
        Assert.False(authenticator.Verify(Request(("authorization", "Bearer ")), [""], Now).Ok);
    }
}
