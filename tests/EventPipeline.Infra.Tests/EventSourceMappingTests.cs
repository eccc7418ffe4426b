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
        Assert.Equal<double?>(expected.MaximumRetryAttempts, (double?)mapping["MaximumRetryAttempts"]);
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
}
