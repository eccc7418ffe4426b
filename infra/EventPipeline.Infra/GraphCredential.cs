using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The Microsoft Graph credential of the functions that run the thin <c>graph</c> source's adapter (Ingest, which
/// enriches, and Webhook, which checks before it answers): with context <c>graphTokenPrefix</c> they read each tenant's
/// access token from SSM under it; without, the synth warns, because every Graph fetch would then be refused and its
/// records dead-lettered.
/// </summary>
internal static class GraphCredential
{
    public const string WarningId = "eventpipeline:graphCredential";

    public static void Configure(Function function, InfraSettings settings)
    {
        if (settings.GraphTokenPrefix is not { } prefix)
        {
            Annotations.Of(function).AddWarningV2(
                WarningId,
                $"No Microsoft Graph credential: set -c {InfraSettings.Keys.GraphTokenPrefix}=/eventpipeline/graph and put each tenant's access token in SSM " +
                "at {prefix}/{tenant}/token (or {prefix}/token for all). Without it the 'graph' source's fetches are refused and its records dead-lettered.");
            return;
        }

        function.AddEnvironment(PipelineTopology.Environment.GraphTokenPrefix, prefix);
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["ssm:GetParameter"],
            Resources =
            [
                Stack.Of(function).FormatArn(new ArnComponents
                {
                    Service = "ssm",
                    Resource = "parameter",
                    ResourceName = prefix.Trim('/') + "/*",
                    ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
                }),
            ],
        }));
    }
}
