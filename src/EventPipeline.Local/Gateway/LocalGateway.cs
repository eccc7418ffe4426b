using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Deploy;
using EventPipeline.Local.Functions;
using EventPipeline.Local.Iam;
using EventPipeline.Topology;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Local.Gateway;

/// <summary>
/// API Gateway, locally, configured from the deployed templates: the WebSocket API at <c>/ws</c> (its route keys and
/// route selection expression, each route's integration function, the 128 KB message, 32 KB frame, idle and lifetime
/// limits), its <c>@connections</c> management API (served behind the local AWS endpoint, which checks
/// <c>execute-api:ManageConnections</c>), and the HTTP API's routes, matched as API Gateway matches them, with the JWT
/// authorizer on the routes the template protects. A route whose function has no invoke permission for API Gateway
/// fails as it does in AWS (500), and every event is the JSON API Gateway sends.
/// </summary>
public sealed class LocalGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LocalGatewayOptions _options;
    private LocalDeployment? _deployment;
    private LocalFunctionSet? _functions;
    private IReadOnlyList<HttpRoute> _httpRoutes = [];

    private LocalGateway(WebApplication app, LocalGatewayOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>The open WebSocket connections.</summary>
    public WebSocketHub Hub { get; } = new();

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:4510/</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The WebSocket URL clients connect to.</summary>
    public Uri WebSocketUrl => new UriBuilder(BaseUrl) { Scheme = "ws", Path = "/ws" }.Uri;

    /// <summary>
    /// Starts listening on 127.0.0.1; routes answer 503 until <see cref="Configure"/> gives them the deployment.
    /// <paramref name="localRoutes"/> adds the local stack's own routes (dashboard, metrics, …).
    /// </summary>
    public static async Task<LocalGateway> StartAsync(LocalGatewayOptions options, Action<WebApplication>? localRoutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, options.Port);
            // API Gateway's HTTP API payload limit is 10 MB.
            k.Limits.MaxRequestBodySize = 10 * 1024 * 1024;
        });
        var app = builder.Build();
        var gateway = new LocalGateway(app, options);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Use(async (ctx, next) =>
        {
            if (await options.Access.AdmitAsync(ctx))
            {
                await next(ctx);
            }
        });
        app.Map("/ws", gateway.WebSocketAsync);
        localRoutes?.Invoke(app);
        // Every other path goes to the HTTP API's routes. A catch-all route, not MapFallback: that one skips paths that look
        // like file names, and entity ids such as "msg.0" are not files.
        app.Map("{**path}", gateway.HttpApiAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        gateway.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return gateway;
    }

    /// <summary>Routes requests to <paramref name="functions"/> as <paramref name="deployment"/>'s APIs say.</summary>
    public void Configure(LocalDeployment deployment, LocalFunctionSet functions)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(functions);
        _functions = functions;
        _httpRoutes = deployment.Apis.Where(a => a.Protocol == "HTTP")
            .SelectMany(a => a.Routes.Select(r => HttpRoute.Parse(a, r)))
            .ToList();
        _deployment = deployment;
    }

    /// <summary>
    /// The management API (<c>POST|DELETE|GET /{apiId}/{stage}/@connections/{id}</c>), reached through the local AWS
    /// endpoint after it authorized the call. A post never waits for the client.
    /// </summary>
    public async Task ManagementAsync(HttpContext ctx, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var parts = (ctx.Request.Path.Value ?? "").Trim('/').Split('/');
        var api = _deployment?.Apis.FirstOrDefault(a => a.Protocol == "WEBSOCKET");
        if (parts.Length != 4 || parts[2] != "@connections" || api is null || parts[0] != api.ApiId || parts[1] != api.Stage)
        {
            await ManagementErrorAsync(ctx, 404, "NotFoundException", "no such API, stage or connection resource");
            return;
        }

        var id = Uri.UnescapeDataString(parts[3]);
        switch (ctx.Request.Method)
        {
            case "POST" when body.Length > GatewayLimits.MaxMessageBytes:
                await ManagementErrorAsync(ctx, 413, "PayloadTooLargeException", $"message: must be at most {GatewayLimits.MaxMessageBytes} bytes");
                return;
            case "POST":
                if (Hub.Post(id, body))
                {
                    ctx.Response.StatusCode = 200;
                    return;
                }

                await ManagementErrorAsync(ctx, 410, "GoneException", $"connection {id} is gone");
                return;
            case "DELETE":
                if (Hub.Close(id))
                {
                    ctx.Response.StatusCode = 204;
                    return;
                }

                await ManagementErrorAsync(ctx, 410, "GoneException", $"connection {id} is gone");
                return;
            default:
                if (Hub.ConnectedAt(id) is { } at)
                {
                    await JsonAsync(ctx, 200, new ConnectionBody(
                        at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                        (Hub.LastActiveAt(id) ?? at).UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
                    return;
                }

                await ManagementErrorAsync(ctx, 410, "GoneException", $"connection {id} is gone");
                return;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Route selection on <c>$request.body.action</c>: a route key of the API, else <c>$default</c>.</summary>
    public static string SelectRoute(string body, IReadOnlyCollection<string> routeKeys)
    {
        ArgumentNullException.ThrowIfNull(routeKeys);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String)
            {
                var action = a.GetString()!;
                if (!action.StartsWith('$') && routeKeys.Contains(action))
                {
                    return action;
                }
            }
        }
        catch (JsonException)
        {
        }

        return PipelineTopology.WebSocketRoutes.Default;
    }

    private async Task WebSocketAsync(HttpContext ctx)
    {
        if (_deployment is null || _functions is null)
        {
            ctx.Response.StatusCode = 503;
            return;
        }

        var api = _deployment.Api("WEBSOCKET");
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 426;
            await ctx.Response.WriteAsync("upgrade to a WebSocket: connect to this URL with ?token=<jwt>", ctx.RequestAborted);
            return;
        }

        var routes = api.Routes.ToDictionary(r => r.RouteKey, StringComparer.Ordinal);
        var id = NewConnectionId();
        var connectedAt = DateTimeOffset.UtcNow;
        if (routes.TryGetValue(PipelineTopology.WebSocketRoutes.Connect, out var connectRoute))
        {
            var response = await InvokeWebSocketAsync(api, connectRoute, WebSocketRequest(ctx, api, id, connectRoute.RouteKey, "CONNECT", null, connectedAt), ctx.RequestAborted);
            if (response.StatusCode is < 200 or >= 300)
            {
                // API Gateway refuses the upgrade with the function's status.
                ctx.Response.StatusCode = response.StatusCode;
                await ctx.Response.WriteAsync(response.Body ?? "", ctx.RequestAborted);
                return;
            }
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        var connection = Hub.Add(id, socket, connectedAt);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        lifetime.CancelAfter(_options.ConnectionLifetime);
        // A frame buffer one byte larger than the frame limit: a receive that fills it came from a frame over the limit.
        var buffer = new byte[GatewayLimits.MaxFrameBytes + 1];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
                    idle.CancelAfter(_options.IdleTimeout - (DateTimeOffset.UtcNow - connection.LastActiveAt));
                    result = await socket.ReceiveAsync(buffer, idle.Token);
                    if (result.Count > GatewayLimits.MaxFrameBytes || message.Length + result.Count > GatewayLimits.MaxMessageBytes)
                    {
                        connection.Close(WebSocketCloseStatus.MessageTooBig, result.Count > GatewayLimits.MaxFrameBytes ? "frame over 32 KB" : "message over 128 KB");
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Complete the close handshake, as API Gateway does.
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }

                connection.LastActiveAt = DateTimeOffset.UtcNow;
                var body = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                var routeKey = SelectRoute(body, routes.Keys);
                if (routes.TryGetValue(routeKey, out var route))
                {
                    var request = WebSocketRequest(ctx, api, id, routeKey, "MESSAGE", body, connectedAt);
                    var answer = await InvokeWebSocketAsync(api, route, request, ctx.RequestAborted);
                    if (answer.StatusCode >= 500)
                    {
                        // What API Gateway sends the client when a route's integration fails.
                        Hub.Post(id, Encoding.UTF8.GetBytes($$"""{"message": "Internal server error", "connectionId":"{{id}}", "requestId":"{{request.RequestContext!.RequestId}}"}"""));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            // Idle for 10 minutes, or open for 2 hours: API Gateway closes the connection ("going away").
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, lifetime.IsCancellationRequested ? "connection lifetime reached" : "idle timeout");
        }
        catch (WebSocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Hub.Remove(id);
            connection.Outbound.Writer.TryComplete();
            if (routes.TryGetValue(PipelineTopology.WebSocketRoutes.Disconnect, out var disconnect))
            {
                try
                {
                    await InvokeWebSocketAsync(api, disconnect, WebSocketRequest(ctx, api, id, disconnect.RouteKey, "DISCONNECT", null, connectedAt), CancellationToken.None);
                }
#pragma warning disable CA1031 // A failed $disconnect must not crash the gateway; the connection item expires by TTL.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    private async Task<APIGatewayProxyResponse> InvokeWebSocketAsync(DeployedApi api, DeployedRoute route, APIGatewayWebSocketRequest request, CancellationToken ct)
    {
        if (!MayInvoke(route.FunctionName, $"{api.ApiId}/{api.Stage}/{route.RouteKey}"))
        {
            return new APIGatewayProxyResponse { StatusCode = 500, Body = "Internal server error" };
        }

        try
        {
            return await _functions!.WebSocket(route.FunctionName).InvokeAsync(request, ct);
        }
        catch (LambdaInvocationException ex)
        {
            _options.Log?.Invoke($"{route.FunctionName} ({route.RouteKey}) failed: {ex.ErrorType}: {ex.Message}");
            return new APIGatewayProxyResponse { StatusCode = 500, Body = "Internal server error" };
        }
    }

    private async Task HttpApiAsync(HttpContext ctx)
    {
        if (_deployment is null || _functions is null)
        {
            await JsonAsync(ctx, 503, new GatewayMessage("Service Unavailable: the local stack is still starting"));
            return;
        }

        var path = ctx.Request.Path.Value ?? "/";
        var match = HttpRoute.Match(_httpRoutes, ctx.Request.Method, path);
        if (match is null)
        {
            // API Gateway's own answer for a request no route matches.
            await JsonAsync(ctx, 404, new GatewayMessage("Not Found"));
            return;
        }

        var (route, pathParameters) = match.Value;
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
        var request = new APIGatewayHttpApiV2ProxyRequest
        {
            Version = "2.0",
            RouteKey = route.Route.RouteKey,
            RawPath = path,
            RawQueryString = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "",
            Headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal),
            QueryStringParameters = ctx.Request.Query.Count == 0 ? null : ctx.Request.Query.ToDictionary(q => q.Key, q => string.Join(',', q.Value.ToArray()), StringComparer.Ordinal),
            PathParameters = pathParameters.Count == 0 ? null : pathParameters,
            IsBase64Encoded = true,
            Body = body.Length == 0 ? null : Convert.ToBase64String(body.GetBuffer(), 0, (int)body.Length),
            RequestContext = new APIGatewayHttpApiV2ProxyRequest.ProxyRequestContext
            {
                AccountId = _options.AccountId,
                ApiId = route.Api.ApiId,
                DomainName = ctx.Request.Host.Value,
                RequestId = Guid.NewGuid().ToString(),
                RouteKey = route.Route.RouteKey,
                Stage = "$default",
                TimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Http = new APIGatewayHttpApiV2ProxyRequest.HttpDescription
                {
                    Method = ctx.Request.Method,
                    Path = path,
                    Protocol = ctx.Request.Protocol,
                    SourceIp = ctx.Connection.RemoteIpAddress?.ToString(),
                    UserAgent = ctx.Request.Headers.UserAgent.ToString(),
                },
            },
        };

        if (route.Route.Jwt is { } jwt)
        {
            // The HTTP API's JWT authorizer: 401 before the function runs, the token's claims passed on when valid.
            var auth = ctx.Request.Headers.Authorization.ToString();
            var token = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
            var claims = await _options.Authorize(jwt, token);
            if (claims is null)
            {
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await JsonAsync(ctx, 401, new GatewayMessage("Unauthorized"));
                return;
            }

            request.RequestContext.Authorizer = new APIGatewayHttpApiV2ProxyRequest.AuthorizerDescription
            {
                Jwt = new APIGatewayHttpApiV2ProxyRequest.JwtDescription { Claims = claims, Scopes = [] },
            };
        }

        if (!MayInvoke(route.Route.FunctionName, $"{route.Api.ApiId}/$default/{ctx.Request.Method}{route.Path}"))
        {
            await JsonAsync(ctx, 500, new GatewayMessage("Internal Server Error"));
            return;
        }

        APIGatewayHttpApiV2ProxyResponse response;
        try
        {
            response = await _functions.Http(route.Route.FunctionName).InvokeAsync(request, ctx.RequestAborted);
        }
        catch (LambdaInvocationException ex)
        {
            _options.Log?.Invoke($"{route.Route.FunctionName} ({route.Route.RouteKey}) failed: {ex.ErrorType}: {ex.Message}");
            // API Gateway's answers: 503 when the integration timed out, 500 for any other failed invocation.
            await JsonAsync(ctx, ex.ErrorType == "Sandbox.Timedout" ? 503 : 500, new GatewayMessage(ex.ErrorType == "Sandbox.Timedout" ? "Service Unavailable" : "Internal Server Error"));
            return;
        }

        ctx.Response.StatusCode = response.StatusCode;
        if (response.Headers is not null)
        {
            foreach (var (k, v) in response.Headers)
            {
                ctx.Response.Headers[k] = v;
            }
        }

        if (response.Body is not null)
        {
            var bytes = response.IsBase64Encoded ? Convert.FromBase64String(response.Body) : Encoding.UTF8.GetBytes(response.Body);
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        }
    }

    /// <summary>True when a permission lets API Gateway invoke the function from this source (the route's execute-api ARN).</summary>
    private bool MayInvoke(string functionName, string sourceArnSuffix)
    {
        var sourceArn = $"arn:aws:execute-api:{_options.Region}:{_options.AccountId}:{sourceArnSuffix}";
        var function = _deployment!.Functions.FirstOrDefault(f => f.Name == functionName);
        return function is not null && _deployment.Permissions.Any(p =>
            p.Principal == "apigateway.amazonaws.com"
            && p.Action == "lambda:InvokeFunction"
            && (p.FunctionArn == function.Arn || p.FunctionArn == function.Name)
            && (p.SourceArn is null || PolicyEvaluator.Matches(p.SourceArn, sourceArn, ignoreCase: false)));
    }

    private static APIGatewayWebSocketRequest WebSocketRequest(HttpContext ctx, DeployedApi api, string id, string route, string eventType, string? body, DateTimeOffset connectedAt) => new()
    {
        Headers = eventType == "CONNECT" ? ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase) : null,
        QueryStringParameters = eventType == "CONNECT" && ctx.Request.Query.Count > 0 ? ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal) : null,
        Body = body,
        RequestContext = new APIGatewayWebSocketRequest.WebSocketRequestContext
        {
            RouteKey = route,
            EventType = eventType,
            ConnectionId = id,
            ConnectedAt = connectedAt.ToUnixTimeMilliseconds(),
            RequestTimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            RequestId = Guid.NewGuid().ToString(),
            MessageId = eventType == "MESSAGE" ? Guid.NewGuid().ToString("N")[..12] : null,
            DomainName = ctx.Request.Host.Value,
            Stage = api.Stage,
            ApiId = api.ApiId,
            MessageDirection = "IN",
        },
    };

    private static string NewConnectionId()
    {
        Span<byte> b = stackalloc byte[10];
        RandomNumberGenerator.Fill(b);
        return Convert.ToBase64String(b).Replace('+', 'A').Replace('/', 'B');
    }

    /// <summary>The management API's error: the type in <c>x-amzn-ErrorType</c>, as API Gateway sends it, and a message body.</summary>
    private static Task ManagementErrorAsync(HttpContext ctx, int status, string errorType, string message)
    {
        ctx.Response.Headers["x-amzn-ErrorType"] = errorType;
        return JsonAsync(ctx, status, new GatewayMessage(message));
    }

    private static Task JsonAsync<T>(HttpContext ctx, int status, T body)
    {
        ctx.Response.StatusCode = status;
        return body switch
        {
            ConnectionBody c => ctx.Response.WriteAsJsonAsync(c, GatewayJsonContext.Default.ConnectionBody, contentType: null, ctx.RequestAborted),
            GatewayMessage m => ctx.Response.WriteAsJsonAsync(m, GatewayJsonContext.Default.GatewayMessage, contentType: null, ctx.RequestAborted),
            _ => throw new ArgumentException("unknown body", nameof(body)),
        };
    }
}


internal sealed record ConnectionBody(string ConnectedAt, string LastActiveAt);

/// <summary>API Gateway's own error body (<c>{"message":"Not Found"}</c>, <c>{"message":"Unauthorized"}</c>).</summary>
internal sealed record GatewayMessage(string Message);

[System.Text.Json.Serialization.JsonSerializable(typeof(ConnectionBody))]
[System.Text.Json.Serialization.JsonSerializable(typeof(GatewayMessage))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatewayJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
