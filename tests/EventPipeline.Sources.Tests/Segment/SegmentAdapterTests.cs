using EventPipeline.Sources.Segment;

namespace EventPipeline.Sources.Tests.Segment;

public sealed class SegmentAdapterTests
{
    private static Task<AdapterResult> Adapt(string body) =>
        new SegmentAdapter().AdaptAsync(new IngestEnvelope("t1", "segment", DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), body), CancellationToken.None).AsTask();

    [Fact]
    public async Task AdaptAsync_TrackWithoutEvent_RejectsEvent()
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt("""{"type":"track","messageId":"m","userId":"u","timestamp":"2024-05-01T00:00:00Z"}"""));

        Assert.Equal("event", rejected.Reason.Field);
    }

    [Fact]
    public async Task AdaptAsync_NoTimestamp_FallsBackToOriginalTimestamp()
    {
        var result = await Adapt("""{"type":"identify","messageId":"m","userId":42,"originalTimestamp":"2024-05-01T10:00:00+02:00"}""");

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero), e.OccurredAt);
        Assert.Equal("user/42", e.Entity.ToString());
    }

    [Fact]
    public async Task AdaptAsync_BadMessageInBatch_RejectsNamingIndex()
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt("""{"batch":[{"type":"page","messageId":"m1","userId":"u","timestamp":"2024-05-01T00:00:00Z"},{"type":"page","messageId":"m2","userId":"u","timestamp":"tomorrow"}]}"""));

        Assert.Equal("batch[1].timestamp", rejected.Reason.Field);
    }
}
