using System.Text.Json;
using EventPipeline.Local.EventSources;

namespace EventPipeline.Local.Tests.EventSources;

public sealed class StreamFailureRecordTests
{
    [Fact]
    public void ToJson_KinesisRecord_UsesLambdaOnFailureLayoutPlusRecords()
    {
        var record = new StreamFailureRecord
        {
            RequestId = "req-1",
            FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:ingest",
            Condition = FailureConditions.RetryAttemptsExhausted,
            ApproximateInvokeCount = 6,
            FunctionError = "Unhandled",
            Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
            EventSource = "aws:kinesis",
            StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/events",
            ShardId = "shardId-000000000000",
            StartSequenceNumber = "100",
            EndSequenceNumber = "101",
            ApproximateArrivalOfFirstRecord = new DateTimeOffset(2026, 1, 2, 3, 4, 0, TimeSpan.Zero),
            ApproximateArrivalOfLastRecord = new DateTimeOffset(2026, 1, 2, 3, 4, 1, TimeSpan.Zero),
            BatchSize = 2,
            Records = ["YQ==", "Yg=="],
        };

        using var json = JsonDocument.Parse(record.ToJson());
        var root = json.RootElement;

        Assert.Equal("RetryAttemptsExhausted", root.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(6, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("Unhandled", root.GetProperty("responseContext").GetProperty("functionError").GetString());
        Assert.Equal("2026-01-02T03:04:05.678Z", root.GetProperty("timestamp").GetString());
        var batch = root.GetProperty("KinesisBatchInfo");
        Assert.Equal("shardId-000000000000", batch.GetProperty("shardId").GetString());
        Assert.Equal("100", batch.GetProperty("startSequenceNumber").GetString());
        Assert.Equal("101", batch.GetProperty("endSequenceNumber").GetString());
        Assert.Equal("2026-01-02T03:04:00.000Z", batch.GetProperty("approximateArrivalOfFirstRecord").GetString());
        Assert.Equal(2, batch.GetProperty("batchSize").GetInt32());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/events", batch.GetProperty("streamArn").GetString());
        Assert.Equal(["YQ==", "Yg=="], root.GetProperty("records").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
