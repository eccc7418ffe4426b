using System.Text.RegularExpressions;

namespace EventPipeline.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class StatelessStackTests(InfraFixture fixture)
{
    [Fact]
    public void Functions_All_AreNativeAotCustomRuntimeWithCertFix()
    {
        var functions = InfraFixture.Resources(fixture.StatelessJson, "AWS::Lambda::Function").ToList();

        Assert.Equal(FunctionCatalog.All.Count, functions.Count);
        Assert.All(functions, f =>
        {
            Assert.Equal("provided.al2023", (string?)f.Properties["Runtime"]);
            Assert.Equal("bootstrap", (string?)f.Properties["Handler"]);
            Assert.Equal("x86_64", (string?)f.Properties["Architectures"]![0]);
            Assert.Equal(FunctionEnvironment.EmptyCertificatesPath, (string?)f.Properties["Environment"]!["Variables"]![FunctionEnvironment.SslCertFile]);
        });
    }

    [Fact]
    public void Functions_All_CarryTheirCatalogKeyAsNameTag()
    {
        var keys = InfraFixture.Resources(fixture.StatelessJson, "AWS::Lambda::Function")
            .Select(f => (string?)f.Properties["Tags"]!.AsArray().Single(t => (string?)t!["Key"] == EventPipeline.Topology.PipelineTopology.NameTag)!["Value"])
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(FunctionCatalog.All.Select(f => f.Key).Order(StringComparer.Ordinal), keys);
    }

    [Theory]
    [InlineData("connections")]
    [InlineData("publish")]
    public void Function_PostsToConnections_HasItsStageManagementEndpoint(string function)
    {
        var properties = Assert.Single(InfraFixture.Resources(fixture.StatelessJson, "AWS::Lambda::Function"), f => f.Id == fixture.FunctionIds[function]).Properties;

        var endpoint = properties["Environment"]!["Variables"]![FunctionEnvironment.WebSocketManagementEndpoint]?.ToJsonString();

        Assert.NotNull(endpoint);
        Assert.Contains(fixture.WebSocketApiId, endpoint, StringComparison.Ordinal);
        Assert.Contains(".execute-api.", endpoint, StringComparison.Ordinal);
        Assert.Contains("/" + InfraNames.WebSocketStageName, endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void StateMachine_Definition_HasDynamoDbSesAndSnsIntegrations()
    {
        var machine = Assert.Single(InfraFixture.Resources(fixture.StatelessJson, "AWS::StepFunctions::StateMachine").ToList()).Properties;
        var definition = machine["DefinitionString"]!.ToJsonString();

        Assert.Equal("STANDARD", (string?)machine["StateMachineType"] ?? "STANDARD");
        Assert.Contains("arn:aws:states:::aws-sdk:dynamodb:query", definition, StringComparison.Ordinal);
        Assert.Contains("arn:aws:states:::sns:publish", definition, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"arn:aws:states:::(aws-sdk:)?sesv?2?:sendEmail"), definition);
        var substitutions = machine["DefinitionSubstitutions"]!.AsObject();
        Assert.True(substitutions.ContainsKey(ReminderDefinition.AggregatesTableNamePlaceholder));
        Assert.True(substitutions.ContainsKey(ReminderDefinition.FromEmailAddressPlaceholder));
    }

    [Fact]
    public void Alarms_StreamConsumers_HaveIteratorAgeAlarms()
    {
        var alarms = InfraFixture.Resources(fixture.StatelessJson, "AWS::CloudWatch::Alarm").ToList();

        var iteratorAge = alarms.Where(a => (string?)a.Properties["MetricName"] == "IteratorAge").ToList();
        Assert.Equal(3, iteratorAge.Count); // Ingest, Publish and Bus
        foreach (var function in new[] { "ingest", "publish" })
        {
            Assert.Contains(iteratorAge, a => a.Properties["Dimensions"]!.ToJsonString().Contains(fixture.FunctionIds[function], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Alarms_EveryFunction_HasErrorsAndThrottlesAlarms()
    {
        var alarms = InfraFixture.Resources(fixture.StatelessJson, "AWS::CloudWatch::Alarm").ToList();

        Assert.Equal(FunctionCatalog.All.Count, alarms.Count(a => (string?)a.Properties["MetricName"] == "Errors"));
        Assert.Equal(FunctionCatalog.All.Count, alarms.Count(a => (string?)a.Properties["MetricName"] == "Throttles"));
    }

    [Fact]
    public void Alarms_DeadLetterQueue_AlarmsOnAnyVisibleMessage()
    {
        var alarm = Assert.Single(
            InfraFixture.Resources(fixture.StatelessJson, "AWS::CloudWatch::Alarm").Where(a => (string?)a.Properties["MetricName"] == "ApproximateNumberOfMessagesVisible").ToList()).Properties;

        Assert.Equal(0, (double?)alarm["Threshold"]);
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
    }

    [Theory]
    [InlineData("WebSocketUrl")]
    [InlineData("WebSocketManagementEndpoint")]
    [InlineData("HttpApiUrl")]
    [InlineData("RemindersStateMachineArn")]
    public void Outputs_StatelessStack_IncludeEndpoint(string output)
    {
        Assert.True(fixture.StatelessJson["Outputs"]!.AsObject().ContainsKey(output), output);
    }
}
