using Amazon.SQS.Model;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Limits;

/// <summary>Kinesis's and SQS's size limits, as a producer or a function meets them through the local AWS endpoint.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ServiceLimitTests(LocalStackFixture fx)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Kinesis_RecordOver1MiB_ValidationException_AtTheLimit_Accepted()
    {
        var stream = fx.Stack.Settings.EventsStream;
        const string key = "limits";

        var tooBig = await Assert.ThrowsAsync<AwsServiceException>(() => fx.Kinesis.PutRecordAsync(stream, key, new byte[MiB - key.Length + 1], CancellationToken.None));
        Assert.Equal("ValidationException", tooBig.ErrorCode);

        // Data plus partition key is what counts: exactly 1 MiB goes in (Ingest dead-letters it as malformed later).
        var put = await fx.Kinesis.PutRecordAsync(stream, key, new byte[MiB - key.Length], CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(put.SequenceNumber));
    }

    [Fact]
    public async Task Kinesis_PutRecordsOf501Records_RefusedByTheClientBeforeSending()
    {
        var records = Enumerable.Range(0, 501).Select(i => new PutRecordsEntry("limits", "{}"u8.ToArray())).ToList();

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fx.Kinesis.PutRecordsAsync(fx.Stack.Settings.EventsStream, records, CancellationToken.None));

        Assert.Contains("1 to 500 records", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(501, 2, "ValidationException")]
    [InlineData(6, 900 * 1024, "InvalidArgumentException")]
    [InlineData(1, (1024 * 1024) + 1, "ValidationException")]
    [InlineData(500, 2, null)]
    public void KinesisRequestLimits_AsKinesisAnswers(int records, int bytes, string? expected)
    {
        var data = Convert.ToBase64String(new byte[bytes]);
        var body = System.Text.Encoding.UTF8.GetBytes("{\"StreamName\":\"s\",\"Records\":[" + string.Join(",", Enumerable.Repeat($"{{\"Data\":\"{data}\",\"PartitionKey\":\"k\"}}", records)) + "]}");

        Assert.Equal(expected, EventPipeline.Local.Iam.KinesisRequestLimits.Check("Kinesis_20131202.PutRecords", body)?.Type);
    }

    [Fact]
    public async Task Kinesis_PutRecordsOver5MiB_InvalidArgument()
    {
        // Six records of 900 KiB: each within the record limit, together over the request's 5 MiB.
        var records = Enumerable.Range(0, 6).Select(i => new PutRecordsEntry("limits", new byte[900 * 1024])).ToList();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => fx.Kinesis.PutRecordsAsync(fx.Stack.Settings.EventsStream, records, CancellationToken.None));

        Assert.True(ex.ErrorCode is "InvalidArgumentException" or "ValidationException", ex.ErrorCode);
    }

    [Fact]
    public async Task Sqs_MessageOf1MiB_Accepted_OneByteMore_Refused()
    {
        var queue = fx.Stack.Endpoints.DeadLetterQueueUrl;
        var scratch = (await fx.Stack.Aws.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "limits-" + Guid.NewGuid().ToString("N")[..8] })).QueueUrl;
        Assert.NotEqual(queue, scratch);

        await fx.Stack.Aws.Sqs.SendMessageAsync(scratch, new string('m', MiB));
        var ex = await Assert.ThrowsAnyAsync<Amazon.SQS.AmazonSQSException>(() => fx.Stack.Aws.Sqs.SendMessageAsync(scratch, new string('m', MiB + 1)));

        Assert.Contains("InvalidParameterValue", ex.ErrorCode ?? ex.GetType().Name, StringComparison.Ordinal);
        await fx.Stack.Aws.Sqs.DeleteQueueAsync(scratch);
    }
}
