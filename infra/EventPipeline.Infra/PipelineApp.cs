using Amazon.CDK;

namespace EventPipeline.Infra;

/// <summary>Composes the two stacks on an app; shared by <c>Program</c> and the assertion tests.</summary>
internal static class PipelineApp
{
    public static (StatefulStack Stateful, StatelessStack Stateless) Compose(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = InfraSettings.FromContext(app.Node);

        // No Env: the stacks are environment-agnostic, so synth needs no credentials and performs no lookups;
        // `cdk deploy` takes account and region from the operator's profile.
        var stateful = new StatefulStack(app, InfraNames.StatefulStackName, settings, new StackProps
        {
            Description = "EventPipeline data: Kinesis stream, DynamoDB tables, dead-letter queue",
        });
        var stateless = new StatelessStack(app, InfraNames.StatelessStackName, stateful, settings, new StackProps
        {
            Description = "EventPipeline functions, APIs, reminder workflow and alarms",
        });
        stateless.AddDependency(stateful);
        return (stateful, stateless);
    }
}
