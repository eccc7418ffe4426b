using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Local.Gateway;

/// <summary>The handlers the local gateway invokes (the same handler classes as in AWS, in-process).</summary>
public sealed class LocalFunctions
{
    public required Func<APIGatewayWebSocketRequest, ILambdaContext, CancellationToken, Task<APIGatewayProxyResponse>> Connections { get; init; }

    public required Func<APIGatewayHttpApiV2ProxyRequest, ILambdaContext, CancellationToken, Task<APIGatewayHttpApiV2ProxyResponse>> Query { get; init; }

    public Func<APIGatewayHttpApiV2ProxyRequest, ILambdaContext, CancellationToken, Task<APIGatewayHttpApiV2ProxyResponse>>? Webhook { get; init; }

    public Func<APIGatewayHttpApiV2ProxyRequest, ILambdaContext, CancellationToken, Task<APIGatewayHttpApiV2ProxyResponse>>? Reminders { get; init; }

    /// <summary>Verifies a bearer token like the HTTP API's JWT authorizer; returns the claims or null.</summary>
    public required Func<string?, Task<Dictionary<string, string>?>> Authorize { get; init; }
}
