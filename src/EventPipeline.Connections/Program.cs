using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Connections;

/// <summary>Custom-runtime entry point (bootstrap): builds the function once, then serves invocations.</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        async ct => (LambdaHandler<APIGatewayWebSocketRequest, APIGatewayProxyResponse>)(await ConnectionsComposition.CreateAsync(FunctionHost.Process, ct)).HandleAsync,
        LambdaEventsJsonContext.Default.APIGatewayWebSocketRequest,
        LambdaEventsJsonContext.Default.APIGatewayProxyResponse);
}
