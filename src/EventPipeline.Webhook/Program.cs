using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Webhook;

/// <summary>Custom-runtime entry point (bootstrap): builds the function once, then serves invocations.</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ => Task.FromResult<LambdaHandler<APIGatewayHttpApiV2ProxyRequest, APIGatewayHttpApiV2ProxyResponse>>(WebhookComposition.Create(FunctionHost.Process).HandleAsync),
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyRequest,
        LambdaEventsJsonContext.Default.APIGatewayHttpApiV2ProxyResponse);
}
