using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Query;

/// <summary>Custom-runtime entry point (bootstrap).</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ =>
        {
            var settings = PipelineSettings.FromEnvironment();
            var aws = AwsClients.Create(AwsEndpoints.FromEnvironment());
            var function = QueryComposition.Create(settings, aws.DynamoDb, TimeProvider.System);
            return Task.FromResult<LambdaHandler<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse>>(function.HandleAsync);
        },
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest,
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse);
}
