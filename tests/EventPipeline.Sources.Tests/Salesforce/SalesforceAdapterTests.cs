using EventPipeline.Sources.Salesforce;

namespace EventPipeline.Sources.Tests.Salesforce;

public sealed class SalesforceAdapterTests
{
    private static Task<AdapterResult> Adapt(string body) =>
        new SalesforceAdapter().AdaptAsync(new IngestEnvelope("t1", "salesforce", DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), body), CancellationToken.None).AsTask();

    private static string Change(string recordIds, string extra = "") =>
        $$"""{"ChangeEventHeader":{"entityName":"Lead","recordIds":{{recordIds}},"changeType":"UPDATE","transactionKey":"tx","sequenceNumber":3,"commitTimestamp":1714557600000}{{extra}}}""";

    [Fact]
    public async Task AdaptAsync_SingleRecord_DedupIdWithoutRecordIdAndFieldsAsAttributes()
    {
        var result = await Adapt(Change("""["00Q1"]""", ""","Status":"Open","NumberOfEmployees":40,"Address":{"City":"x"}"""));

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal("tx:3", e.EventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714557600000), e.OccurredAt);
        Assert.Equal("Open", e.Attributes["Status"]);
        Assert.Equal("40", e.Attributes["NumberOfEmployees"]);
        Assert.False(e.Attributes.ContainsKey("Address"));
        Assert.Empty(e.Measures);
    }

    [Theory]
    [InlineData("[]", "ChangeEventHeader.recordIds")]
    [InlineData("""["a","a"]""", "ChangeEventHeader.recordIds")]
    [InlineData("""["a",5]""", "ChangeEventHeader.recordIds[1]")]
    [InlineData("\"a\"", "ChangeEventHeader.recordIds")]
    public async Task AdaptAsync_BadRecordIds_RejectsNamingPath(string recordIds, string field)
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt(Change(recordIds)));

        Assert.Equal(field, rejected.Reason.Field);
    }

    [Fact]
    public async Task AdaptAsync_ArrayOfChanges_FansOutWithPaths()
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt($"[{Change("""["a"]""")},{{}}]"));

        Assert.Equal("[1].ChangeEventHeader", rejected.Reason.Field);
    }
}
