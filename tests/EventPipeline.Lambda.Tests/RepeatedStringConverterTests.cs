using System.Text;
using System.Text.Json;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Lambda.Tests;

/// <summary>The Kinesis event's repeated values are read once per distinct value, and read exactly as plain strings.</summary>
public sealed class RepeatedStringConverterTests
{
    private static KinesisEvent Read(string json) =>
        JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), LambdaEventsJsonContext.Default.KinesisEvent)!;

    private static string Record(string partitionKey, string arn) =>
        $$$"""{"eventID":"shardId-000000000001:1","eventSource":"aws:kinesis","eventSourceARN":"{{{arn}}}","awsRegion":"eu-west-1","kinesis":{"partitionKey":"{{{partitionKey}}}","sequenceNumber":"1","data":"e30="}}""";

    [Fact]
    public void KinesisEvent_SameValueOnEveryRecord_SharesOneInstance()
    {
        var arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/events";
        var e = Read($$"""{"Records":[{{Record("acme", arn)}},{{Record("acme", arn)}},{{Record("acme", arn)}}]}""");

        Assert.All(e.Records, r => Assert.Equal(arn, r.EventSourceArn));
        Assert.Same(e.Records[0].EventSourceArn, e.Records[2].EventSourceArn);
        Assert.Same(e.Records[0].AwsRegion, e.Records[1].AwsRegion);
        Assert.Same(e.Records[0].Kinesis.PartitionKey, e.Records[2].Kinesis.PartitionKey);
    }

    [Fact]
    public void KinesisEvent_ValuesThatChangeOrAreEscaped_ReadAsWritten()
    {
        var e = Read($$"""{"Records":[{{Record("acme", "a")}},{{Record("glob\\u0065x", "a")}},{{Record("globex", "b")}},{{Record("acme", "a")}}]}""");

        Assert.Equal(["acme", "globex", "globex", "acme"], e.Records.Select(r => r.Kinesis.PartitionKey));
        Assert.Equal(["a", "a", "b", "a"], e.Records.Select(r => r.EventSourceArn));
        Assert.Null(e.Records[0].EventName);
    }
}
