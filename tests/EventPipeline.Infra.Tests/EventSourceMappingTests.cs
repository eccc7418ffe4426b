using System.Text.Json.Nodes;
using EventPipeline.Topology;

namespace EventPipeline.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class EventSourceMappingTests(InfraFixture fixture)
{
    public static TheoryData<string, string> Mappings => new()
    {
        { "ingest", "EventsStream" },
        { "publish", "AggregatesTable" },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Mapping_EachConsumer_MatchesTopologySettings(string function, string sourceFragment)
    {
        var expected = function == "ingest" ? PipelineTopology.IngestMapping : PipelineTopology.PublishMapping;

        var mapping = MappingOf(function);

        Assert.Contains(sourceFragment, mapping["EventSourceArn"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal<double?>(expected.BatchSize, (double?)mapping["BatchSize"]);
        Assert.Equal<double?>(expected.MaximumBatchingWindowSeconds, (double?)mapping["MaximumBatchingWindowInSeconds"]);
        Assert.Equal(expected.BisectBatchOnFunctionError, (bool?)mapping["BisectBatchOnFunctionError"]);
        // Absent means CloudFormation's default, -1 (retry until the record's maximum age).
        Assert.Equal(expected.MaximumRetryAttempts, (double?)mapping["MaximumRetryAttempts"] ?? -1);
        Assert.Equal<double?>(expected.MaximumRecordAgeSeconds, (double?)mapping["MaximumRecordAgeInSeconds"]);
        Assert.Equal<double?>(expected.ParallelizationFactor, (double?)mapping["ParallelizationFactor"]);
        Assert.Equal(expected.ReportBatchItemFailures, mapping["FunctionResponseTypes"]?.AsArray().Any(t => (string?)t == "ReportBatchItemFailures") ?? false);
        Assert.Equal("TRIM_HORIZON", (string?)mapping["StartingPosition"]);
        Assert.Contains("DeadLetterQueue", mapping["DestinationConfig"]!["OnFailure"]!["Destination"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private JsonObject MappingOf(string function)
    {
        var functionId = fixture.FunctionIds[function];
        return Assert.Single(
            InfraFixture.Resources(fixture.StatelessJson, "AWS::Lambda::EventSourceMapping")
                .Where(m => (string?)m.Properties["FunctionName"]!["Ref"] == functionId)
                .ToList()).Properties;
    }

    [Fact]
    public void DefaultMode_HasNoStreamConsumer()
    {
        Assert.Empty(InfraFixture.Resources(fixture.StatelessJson, "AWS::Kinesis::StreamConsumer"));
    }

    [Fact]
    public void LowLatencyMode_IngestReadsThroughAConsumerWithNoBatchingWindow()
    {
        var template = fixture.LowLatencyStatelessJson;
        var (consumerId, consumer) = Assert.Single(InfraFixture.Resources(template, "AWS::Kinesis::StreamConsumer"));
        Assert.Equal(PipelineTopology.IngestConsumerName, (string?)consumer["ConsumerName"]);
        Assert.Contains("EventsStream", consumer["StreamARN"]!.ToJsonString(), StringComparison.Ordinal);

        var mapping = Assert.Single(InfraFixture.Resources(template, "AWS::Lambda::EventSourceMapping"), m => (string?)m.Properties["FunctionName"]!["Ref"] == fixture.LowLatencyIngestFunctionId).Properties;
        Assert.Equal(consumerId, (string?)mapping["EventSourceArn"]!["Fn::GetAtt"]![0]);
        Assert.Equal("ConsumerARN", (string?)mapping["EventSourceArn"]!["Fn::GetAtt"]![1]);
        var expected = PipelineTopology.IngestMappingLowLatency;
        Assert.Equal(0, expected.MaximumBatchingWindowSeconds);
        Assert.Equal<double?>(expected.MaximumBatchingWindowSeconds, (double?)mapping["MaximumBatchingWindowInSeconds"]);
        Assert.Equal<double?>(expected.BatchSize, (double?)mapping["BatchSize"]);
        Assert.Equal(expected.BisectBatchOnFunctionError, (bool?)mapping["BisectBatchOnFunctionError"]);
        // Absent means CloudFormation's default, -1 (retry until the record's maximum age).
        Assert.Equal(expected.MaximumRetryAttempts, (double?)mapping["MaximumRetryAttempts"] ?? -1);
        Assert.Equal<double?>(expected.MaximumRecordAgeSeconds, (double?)mapping["MaximumRecordAgeInSeconds"]);
        Assert.Contains("ReportBatchItemFailures", mapping["FunctionResponseTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Contains("DeadLetterQueue", mapping["DestinationConfig"]!["OnFailure"]!["Destination"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LowLatencyMode_IngestRoleMaySubscribeThroughTheConsumerAndReadTheStream()
    {
        var statements = fixture.StatementsOf(fixture.LowLatencyIngestRoleId, fixture.LowLatencyStatelessJson);
        var consumerId = InfraFixture.Resources(fixture.LowLatencyStatelessJson, "AWS::Kinesis::StreamConsumer").Single().Id;

        var onConsumer = statements.Where(s => s.Resources.Any(r => r.Contains(consumerId, StringComparison.Ordinal))).SelectMany(s => s.Actions).ToList();
        Assert.Contains("kinesis:SubscribeToShard", onConsumer);
        Assert.Contains("kinesis:DescribeStreamConsumer", onConsumer);
        var onStream = statements.Where(s => s.Resources.Any(r => r.Contains("EventsStream", StringComparison.Ordinal))).SelectMany(s => s.Actions).ToList();
        Assert.Contains("kinesis:GetRecords", onStream);
        Assert.Contains("kinesis:GetShardIterator", onStream);
        Assert.Contains("kinesis:ListShards", onStream);
    }
}
