using EventPipeline.Sources.EventBridge;

namespace EventPipeline.Sources.Tests.EventBridge;

public sealed class EventBridgeAdapterTests
{
    private static async Task<string> Entity(string detail, string resources = "[]", string source = "com.example.billing")
    {
        var body = $$"""{"version":"0","id":"e1","detail-type":"Thing Happened","source":"{{source}}","account":"1","time":"2024-05-01T00:00:00Z","region":"eu-west-1","resources":{{resources}},"detail":{{detail}}}""";
        var result = await new EventBridgeAdapter().AdaptAsync(new IngestEnvelope("t1", "eventbridge", DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), body), CancellationToken.None);
        return Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events).Entity.ToString();
    }

    [Theory]
    [InlineData("""{"id":"inv-1","customerId":"c-1"}""", "billing/inv-1")]
    [InlineData("""{"amount":3,"customerId":"c-1"}""", "customer/c-1")]
    [InlineData("""{"bucket_id":42}""", "bucket/42")]
    // "Id" alone has no kind before the suffix, so the fallback applies: kind = source, id = detail-type.
    [InlineData("""{"Id":"x"}""", "com.example.billing/Thing Happened")]
    public async Task AdaptAsync_DetailIdFields_PickEntity(string detail, string expected)
    {
        Assert.Equal(expected, await Entity(detail));
    }

    [Fact]
    public async Task AdaptAsync_NoDetailIds_UsesFirstResourceArn()
    {
        Assert.Equal(
            "table/arn:aws:dynamodb:eu-west-1:1:table/orders",
            await Entity("""{"state":"x"}""", """["arn:aws:dynamodb:eu-west-1:1:table/orders","arn:aws:s3:::b"]"""));
    }

    [Fact]
    public async Task AdaptAsync_ResourcesNotArray_Rejects()
    {
        var body = """{"id":"e1","detail-type":"X","source":"s","time":"2024-05-01T00:00:00Z","resources":"arn","detail":{}}""";

        var result = await new EventBridgeAdapter().AdaptAsync(new IngestEnvelope("t1", "eventbridge", DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), body), CancellationToken.None);

        Assert.Equal("resources", Assert.IsType<AdapterResult.Rejected>(result).Reason.Field);
    }
}
