using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using EventPipeline.Topology;

namespace EventPipeline.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class StatefulStackTests(InfraFixture fixture)
{
    [Fact]
    public void EventsStream_NoShardsContext_IsOnDemand()
    {
        var streams = InfraFixture.Resources(fixture.StatefulJson, "AWS::Kinesis::Stream").ToList();

        var stream = Assert.Single(streams).Properties;
        Assert.Equal("ON_DEMAND", (string?)stream["StreamModeDetails"]!["StreamMode"]);
        Assert.Null(stream["ShardCount"]);
    }

    [Fact]
    public void EventsStream_ShardsContext_IsProvisionedWithThatManyShards()
    {
        var stream = Assert.Single(InfraFixture.Resources(fixture.ProvisionedStatefulJson, "AWS::Kinesis::Stream").ToList()).Properties;

        Assert.Equal("PROVISIONED", (string?)stream["StreamModeDetails"]!["StreamMode"]);
        Assert.Equal(4, (double?)stream["ShardCount"]);
    }

    [Fact]
    public void Tables_EveryTopologyTable_HasKeysTtlPitrOnDemandBilling()
    {
        var tables = InfraFixture.Resources(fixture.StatefulJson, "AWS::DynamoDB::Table").ToList();

        Assert.Equal(PipelineTopology.Tables.All.Count, tables.Count);
        foreach (var (id, table) in tables)
        {
            var keys = table["KeySchema"]!.AsArray().Select(k => ((string?)k!["AttributeName"], (string?)k["KeyType"])).ToList();
            Assert.Equal([(PipelineTopology.Tables.PartitionKey, "HASH"), (PipelineTopology.Tables.SortKey, "RANGE")], keys);
            Assert.Equal(PipelineTopology.Tables.TimeToLive, (string?)table["TimeToLiveSpecification"]!["AttributeName"]);
            Assert.True((bool?)table["TimeToLiveSpecification"]!["Enabled"], id);
            Assert.True((bool?)table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"], id);
            Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
        }
    }

    [Fact]
    public void Tables_StreamEnabledInTopology_HaveNewAndOldImagesStreamOthersNone()
    {
        foreach (var definition in PipelineTopology.Tables.All)
        {
            var table = TableFor(definition.Name);
            var view = (string?)table["StreamSpecification"]?["StreamViewType"];
            Assert.Equal(definition.StreamEnabled ? "NEW_AND_OLD_IMAGES" : null, view);
        }
    }

    [Fact]
    public void ConnectionsTable_ByChannelIndex_UsesTopologyKeysAndProjectsAll()
    {
        var index = Assert.Single(TableFor(PipelineTopology.Tables.Connections)["GlobalSecondaryIndexes"]!.AsArray())!;

        Assert.Equal(PipelineTopology.Tables.ConnectionsByChannelIndex, (string?)index["IndexName"]);
        var keys = index["KeySchema"]!.AsArray().Select(k => ((string?)k!["AttributeName"], (string?)k["KeyType"])).ToList();
        Assert.Equal([(PipelineTopology.Tables.ChannelKey, "HASH"), (PipelineTopology.Tables.ChannelSortKey, "RANGE")], keys);
        Assert.Equal("ALL", (string?)index["Projection"]!["ProjectionType"]);
    }

    [Fact]
    public void AggregatesTable_EntitiesByKindIndex_KeysTenantAndEntityKindProjectsKeysOnly()
    {
        var table = TableFor(PipelineTopology.Tables.Aggregates);
        var index = Assert.Single(table["GlobalSecondaryIndexes"]!.AsArray())!;

        Assert.Equal(PipelineTopology.Tables.EntitiesByKindIndex, (string?)index["IndexName"]);
        var keys = index["KeySchema"]!.AsArray().Select(k => ((string?)k!["AttributeName"], (string?)k["KeyType"])).ToList();
        Assert.Equal([(PipelineTopology.Tables.TenantKey, "HASH"), (PipelineTopology.Tables.EntityKindKey, "RANGE")], keys);
        Assert.Equal("KEYS_ONLY", (string?)index["Projection"]!["ProjectionType"]);
        var attributes = table["AttributeDefinitions"]!.AsArray().ToDictionary(a => (string)a!["AttributeName"]!, a => (string?)a!["AttributeType"]);
        Assert.Equal("S", attributes[PipelineTopology.Tables.TenantKey]);
        Assert.Equal("S", attributes[PipelineTopology.Tables.EntityKindKey]);
    }

    [Fact]
    public void DeadLetterQueue_StackDeleted_IsRetainedLikeTheTables()
    {
        var queue = Assert.Single(fixture.StatefulJson["Resources"]!.AsObject(), r => (string?)r.Value!["Type"] == "AWS::SQS::Queue").Value!;

        Assert.Equal("Retain", (string?)queue["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)queue["UpdateReplacePolicy"]);
    }

    [Theory]
    [InlineData("AWS::DynamoDB::Table")]
    [InlineData("AWS::Kinesis::Stream")]
    [InlineData("AWS::SQS::Queue")]
    public void StatefulResources_Every_CarryTheirTopologyNameTag(string type)
    {
        var known = PipelineTopology.Tables.All.Select(t => t.Name).Append(PipelineTopology.EventsStream).Append(PipelineTopology.DeadLetterQueue).ToHashSet();

        Assert.All(InfraFixture.Resources(fixture.StatefulJson, type), r =>
        {
            var tag = r.Properties["Tags"]!.AsArray().Single(t => (string?)t!["Key"] == PipelineTopology.NameTag);
            Assert.Contains((string)tag!["Value"]!, known);
        });
    }

    [Fact]
    public void DeadLetterQueue_Always_Keeps14DaysAndIsEncrypted()
    {
        fixture.Stateful.HasResourceProperties("AWS::SQS::Queue", new Dictionary<string, object>
        {
            ["MessageRetentionPeriod"] = 14 * 24 * 3600,
            ["SqsManagedSseEnabled"] = true,
        });
    }

    [Fact]
    public void Outputs_StatefulStack_NameStreamTablesAndQueue()
    {
        var outputs = fixture.StatefulJson["Outputs"]!.AsObject().Select(o => o.Key).ToHashSet();

        Assert.Contains("EventsStreamName", outputs);
        Assert.Contains("EventsStreamArn", outputs);
        Assert.Contains("DeadLetterQueueUrl", outputs);
        foreach (var table in PipelineTopology.Tables.All)
        {
            Assert.Contains(StatefulStack.IdOf(table.Name) + "TableName", outputs);
        }
    }

    private JsonObject TableFor(string topologyName)
    {
        // Logical ids start with the construct id, which is the topology name in PascalCase.
        var prefix = StatefulStack.IdOf(topologyName) + "Table";
        return Assert.Single(InfraFixture.Resources(fixture.StatefulJson, "AWS::DynamoDB::Table").Where(t => t.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList()).Properties;
    }
}
