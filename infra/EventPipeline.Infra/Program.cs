using Amazon.CDK;

namespace EventPipeline.Infra;

/// <summary>The CDK app (<c>cdk synth</c>/<c>cdk deploy</c> run it through cdk.json at the repository root).</summary>
internal static class Program
{
    private static void Main()
    {
        var app = new App();
        PipelineApp.Compose(app);
        app.Synth();
    }
}
