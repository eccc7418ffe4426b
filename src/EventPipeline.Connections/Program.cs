using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Connections;

/// <summary>Custom-runtime entry point (bootstrap).</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        async ct =>
        {
            var settings = PipelineSettings.FromEnvironment();
            var endpoints = AwsEndpoints.FromEnvironment() with { ExecuteApi = settings.WebSocketManagementEndpoint };
            var aws = AwsClients.Create(endpoints);
            var tokens = await ConnectionsComposition.DiscoverTokensAsync(settings, aws.Http, ct);
            var function = ConnectionsComposition.Create(settings, aws.DynamoDb, aws.Management!, TimeProvider.System, tokens: tokens);
            return (LambdaHandler<APIGatewayWebSocketRequest, APIGatewayProxyResponse>)function.HandleAsync;
        },
        LambdaEventsJsonContext.Default.APIGatewayWebSocketRequest,
        LambdaEventsJsonContext.Default.APIGatewayProxyResponse);
}
