using EventPipeline.Application.Connections;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Connections;

/// <summary>
/// WebSocket routes → <see cref="ConnectionSessions"/>. <c>$connect</c> takes the token from the query string
/// (<c>token</c>) or <c>Authorization: Bearer</c>; a refused token answers 401 (API Gateway then refuses the upgrade).
/// Every other route answers on the connection through the management API. One log line and one EMF line per route.
/// </summary>
public sealed class ConnectionsFunction(ConnectionSessions sessions, LambdaLog? log = null, EmfMetrics? metrics = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

    /// <summary>Lambda handler.</summary>
    public async Task<APIGatewayProxyResponse> HandleAsync(APIGatewayWebSocketRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rc = request.RequestContext;
        switch (rc.RouteKey)
        {
            case PipelineTopology.WebSocketRoutes.Connect:
                {
                    var token = request.QueryStringParameters?.GetValueOrDefault("token") ?? Bearer(request.Headers);
                    var result = await sessions.ConnectAsync(rc.ConnectionId, token, cancellationToken);
                    if (!result.IsValid)
                    {
                        // The reason, never the token itself.
                        _log.WithRequestId(context.AwsRequestId).Warning("connect refused", ("connectionId", rc.ConnectionId), ("reason", result.Error));
                        Flush("ConnectsRefused");
                        return Status(401, result.Error!);
                    }

                    _log.WithRequestId(context.AwsRequestId).Information("connected", ("connectionId", rc.ConnectionId), ("tenant", result.Tenant));
                    Flush("Connects");
                    return Status(200, "connected");
                }

            case PipelineTopology.WebSocketRoutes.Disconnect:
                await sessions.DisconnectAsync(rc.ConnectionId, cancellationToken);
                _log.WithRequestId(context.AwsRequestId).Information("disconnected", ("connectionId", rc.ConnectionId));
                Flush("Disconnects");
                return Status(200, "disconnected");
            default:
                if (!await sessions.ReceiveAsync(rc.ConnectionId, ActionOf(rc.RouteKey), request.Body, context.RemainingTime, cancellationToken))
                {
                    _log.WithRequestId(context.AwsRequestId).Information("connection gone", ("connectionId", rc.ConnectionId));
                    metrics?.Increment("GoneConnections");
                }

                Flush("Messages");
                return Status(200, "ok");
        }
    }

    private void Flush(string metric)
    {
        metrics?.Increment(metric);
        metrics?.Flush();
    }

    private static ClientAction ActionOf(string routeKey) => routeKey switch
    {
        PipelineTopology.WebSocketRoutes.Subscribe => ClientAction.Subscribe,
        PipelineTopology.WebSocketRoutes.Unsubscribe => ClientAction.Unsubscribe,
        PipelineTopology.WebSocketRoutes.Ping => ClientAction.Ping,
        _ => ClientAction.Unknown,
    };

    private static string? Bearer(Dictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (k, v) in headers)
        {
            if (string.Equals(k, "authorization", StringComparison.OrdinalIgnoreCase) && v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return v[7..].Trim();
            }
        }

        return null;
    }

    private static APIGatewayProxyResponse Status(int code, string body) => new() { StatusCode = code, Body = body };
}
