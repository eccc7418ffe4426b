using Amazon.CDK.Assertions;

namespace EventPipeline.Infra.Tests;

/// <summary>The thin 'graph' source needs a credential in AWS: configured from SSM, or a warning at synth.</summary>
[Collection(InfraCollection.Name)]
public sealed class GraphCredentialTests(InfraFixture fx)
{
    [Fact]
    public void Synth_WithoutGraphTokenPrefix_WarnsOnIngestAndWebhook()
    {
        var warnings = fx.StatelessAnnotations.FindWarning("*", Match.StringLikeRegexp("No Microsoft Graph credential.*graphTokenPrefix"));

        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, w => w.Id.Contains("Ingest", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Id.Contains("Webhook", StringComparison.Ordinal));
    }

    [Fact]
    public void Synth_WithGraphTokenPrefix_TheFunctionsReadTheirTokenFromSsmAndNothingWarns()
    {
        var functions = InfraFixture.Resources(fx.GraphStatelessJson, "AWS::Lambda::Function")
            .Where(f => f.Properties["Environment"]?["Variables"]?["GRAPH_TOKEN_PREFIX"] is not null)
            .Select(f => f.Id)
            .ToList();
        Assert.Equal(2, functions.Count);
        Assert.Contains(functions, id => id.StartsWith("Ingestion", StringComparison.Ordinal));
        Assert.Contains(functions, id => id.Contains("Webhook", StringComparison.Ordinal));

        var grants = InfraFixture.Resources(fx.GraphStatelessJson, "AWS::IAM::Policy")
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Action"]!.ToJsonString().Contains("ssm:GetParameter", StringComparison.Ordinal) && s["Resource"]!.ToJsonString().Contains("parameter/eventpipeline/graph/*", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, grants.Count);
        Assert.Empty(fx.GraphStatelessAnnotations.FindWarning("*", Match.StringLikeRegexp("No Microsoft Graph credential")));
    }
}
