using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Local;

/// <summary>Wires the Webhook function into the local gateway.</summary>
internal static class LocalWebhook
{
    public static Func<APIGatewayHttpApiV2ProxyRequest, ILambdaContext, CancellationToken, Task<APIGatewayHttpApiV2ProxyResponse>>? Create(LocalStack stack, SourceDependencies dependencies) => null;
}
