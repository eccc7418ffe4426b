using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Webhook;

/// <summary>Custom-runtime entry point (bootstrap).</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ =>
        {
            var function = WebhookComposition.FromEnvironment(new KinesisClient(AwsEndpoints.FromEnvironment()));
            return Task.FromResult<LambdaHandler<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse>>(function.HandleAsync);
        },
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest,
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse);
}
