using System.Text.Json.Nodes;

namespace EventPipeline.Infra.Tests;

/// <summary>The event bus other consumers subscribe to (ADR 0004), as the template declares it.</summary>
[Collection(InfraCollection.Name)]
public sealed class BusTests(InfraFixture fx)
{
    [Fact]
    public void Bus_NamedFromTheTopology_WithAnArchiveOfThePipelinesEvents()
    {
        var bus = Assert.Single(InfraFixture.Resources(fx.StatelessJson, "AWS::Events::EventBus"));
        Assert.Equal("eventpipeline", (string?)bus.Properties["Name"]);
        var archive = Assert.Single(InfraFixture.Resources(fx.StatelessJson, "AWS::Events::Archive"));
        Assert.Equal(bus.Id, (string?)archive.Properties["SourceArn"]!["Fn::GetAtt"]![0]);
        Assert.Equal("eventpipeline", (string?)archive.Properties["EventPattern"]!["source"]![0]);
    }

    [Fact]
    public void BusFunction_ReadsTheChangeLogStream_WithItsOwnFailureDestination()
    {
        var changeLog = InfraFixture.Resources(fx.StatefulJson, "AWS::DynamoDB::Table")
            .Single(t => t.Properties["Tags"]!.AsArray().Any(tag => (string?)tag!["Value"] == "changelog"));
        Assert.NotNull(changeLog.Properties["StreamSpecification"]);

        var mapping = InfraFixture.Resources(fx.StatelessJson, "AWS::Lambda::EventSourceMapping")
            .Single(m => m.Properties["EventSourceArn"]!.ToJsonString().Contains("Changelog", StringComparison.Ordinal));
        Assert.Contains("EventBusBusFunction", mapping.Properties["FunctionName"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(mapping.Properties["DestinationConfig"]!["OnFailure"]);
        Assert.Contains("ReportBatchItemFailures", mapping.Properties["FunctionResponseTypes"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BusFunction_MayPutEventsOnTheBusOnly()
    {
        var policy = InfraFixture.Resources(fx.StatelessJson, "AWS::IAM::Policy").Single(p => p.Id.StartsWith("EventBusBusFunction", StringComparison.Ordinal));
        var statements = policy.Properties["PolicyDocument"]!["Statement"]!.AsArray();
        var put = Assert.Single(statements, s => s!["Action"]!.ToJsonString().Contains("events:", StringComparison.Ordinal));
        Assert.Equal("events:PutEvents", (string?)put!["Action"]);
        Assert.Contains("EventBus", put["Resource"]!["Fn::GetAtt"]![0]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleRule_DeliversAggregateChangesToAQueueAnOperatorCanRead_AndAlarmsOnFailedDeliveries()
    {
        var rule = Assert.Single(InfraFixture.Resources(fx.StatelessJson, "AWS::Events::Rule"));
        Assert.Equal("aggregate.changed", (string?)rule.Properties["EventPattern"]!["detail-type"]![0]);
        var target = Assert.Single(rule.Properties["Targets"]!.AsArray());
        var queueId = (string?)target!["Arn"]!["Fn::GetAtt"]![0];
        var queue = InfraFixture.Resources(fx.StatelessJson, "AWS::SQS::Queue").Single(q => q.Id == queueId);
        Assert.Contains(queue.Properties["Tags"]!.AsArray(), t => (string?)t!["Value"] == "bus-example");
        Assert.Contains(InfraFixture.Resources(fx.StatelessJson, "AWS::CloudWatch::Alarm"), a => (string?)a.Properties["MetricName"] == "FailedInvocations");
    }

    [Fact]
    public void BusRules_FromContext_ParsedNamedAndValidated()
    {
        var rules = BusRule.Parse("""[{"name":"orders","pattern":{"detail":{"tenant":["acme"]}}},{"name":"alerts","pattern":{"source":["eventpipeline"]},"topicArn":"arn:aws:sns:us-east-1:1:alerts"}]""");

        Assert.Equal(["orders", "alerts"], rules.Select(r => r.Name));
        Assert.Null(rules[0].TopicArn);
        Assert.Equal("arn:aws:sns:us-east-1:1:alerts", rules[1].TopicArn);
        var ex = Assert.Throws<ArgumentException>(() => BusRule.Parse("""[{"name":"no pattern"}]"""));
        Assert.Contains("busRules", ex.Message, StringComparison.Ordinal);
    }
}
