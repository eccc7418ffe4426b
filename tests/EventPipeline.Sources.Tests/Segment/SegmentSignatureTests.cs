using System.Text;
using EventPipeline.Sources.Segment;

namespace EventPipeline.Sources.Tests.Segment;

/// <summary>Segment's X-Signature against independently computed HMACs.</summary>
public sealed class SegmentSignatureTests
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
    public void Verify_SegmentSignedWithRotatedSecret_Succeeds()
    {
        var request = Request(("x-signature", "b5557a4b8f3cc308d19eb4f69f336392a31eef7b"));

        Assert.True(new SegmentSignature().Verify(request, ["new-key", "key"], Now).Ok);
    }
}
