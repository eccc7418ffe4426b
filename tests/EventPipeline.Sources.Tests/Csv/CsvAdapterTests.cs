using EventPipeline.Sources.Csv;

namespace EventPipeline.Sources.Tests.Csv;

public sealed class CsvAdapterTests
{
    private const string Header = "event_id,event_time,entity_type,entity_id,event_type,note\n";

    private static Task<AdapterResult> Adapt(string body) =>
        new CsvAdapter().AdaptAsync(
            new IngestEnvelope("t1", "csv", DateTimeOffset.UnixEpoch, new Dictionary<string, string> { ["x-file-name"] = "f.csv" }, body),
            CancellationToken.None).AsTask();

    [Fact]
    public async Task AdaptAsync_QuotedFieldWithCrlfCommaAndQuote_KeepsValueExactly()
    {
        var result = await Adapt(Header + "e1,2024-05-01T10:00:00Z,order,o-1,placed,\"a, \"\"b\"\"\r\nc\"\r\n");

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal("a, \"b\"\r\nc", e.Attributes["note"]);
    }

    [Theory]
    [InlineData("e1,2024-05-01T10:00:00Z,order,o-1,placed,x\ne2,2024-05-01T10:00:00Z,order,,placed,x\n", "line 3 column entity_id")]
    [InlineData("e1,2024-05-01T10:00:00Z,order,o-1,placed\n", "line 2")]
    [InlineData("e1,2024-05-01T10:00:00Z,order,o-1,placed,a\"b\n", "line 2 column 6")]
    [InlineData("e1,2024-05-01T10:00:00Z,order,o-1,placed,\"ab\"c\n", "line 2 column 6")]
    [InlineData("e1,2024-05-01T10:00:00Z,order,o-1,placed,x\ne1,2024-05-01T10:00:00Z,order,o-1,placed,x\n", "body")]
    [InlineData("", "body")]
    public async Task AdaptAsync_BadLine_RejectsNamingLineAndColumn(string rows, string field)
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt(Header + rows));

        Assert.Equal(field, rejected.Reason.Field);
    }

    [Fact]
    public async Task AdaptAsync_MissingRequiredColumn_RejectsHeader()
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt("event_time,entity_type,entity_id\n2024-05-01T10:00:00Z,a,b\n"));

        Assert.Equal("line 1 column event_type", rejected.Reason.Field);
    }

    [Fact]
    public async Task AdaptAsync_NoEventId_SameFileAndLineGiveSameId()
    {
        const string Body = "event_time,entity_type,entity_id,event_type\n2024-05-01T10:00:00Z,a,1,t\n2024-05-01T10:00:00Z,a,2,t\n";

        var first = Assert.IsType<AdapterResult.Accepted>(await Adapt(Body)).Events;
        var again = Assert.IsType<AdapterResult.Accepted>(await Adapt(Body)).Events;

        Assert.Equal(first.Select(e => e.EventId), again.Select(e => e.EventId));
        Assert.NotEqual(first[0].EventId, first[1].EventId);
        Assert.Equal(64, first[0].EventId.Length);
    }
}
