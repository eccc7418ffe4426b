using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Local.Gateway;

/// <summary>
/// API Gateway, locally: a WebSocket API (<c>/ws</c>: $connect, route selection on <c>$request.body.action</c>, $disconnect),
/// its <c>@connections</c> management API, and the HTTP API routes (JWT-authorized <c>/aggregates</c>, <c>/channels</c>,
/// <c>/reminders</c>; signature-authenticated <c>/webhooks</c>) — each translated into the same event JSON API Gateway
/// sends, and handed to the same function classes that run in AWS.
/// </summary>
public sealed class LocalGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalGateway(WebApplication app, WebSocketHub hub)
    {
        _app = app;
        Hub = hub;
    }

    /// <summary>The open WebSocket connections.</summary>
    public WebSocketHub Hub { get; }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:4510</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0 = any free port). Functions are resolved per request,
    /// so the gateway can start before they are composed (they need its URL for the management API).</summary>
    public static async Task<LocalGateway> StartAsync(int port, Func<LocalFunctions> functions, Action<IEndpointRouteBuilderHolder>? extraRoutes, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 8 * 1024 * 1024);
        var app = builder.Build();
        var hub = new WebSocketHub();
        var gateway = new LocalGateway(app, hub);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });

        app.Map("/ws", ctx => gateway.WebSocketAsync(ctx, functions()));
        app.MapPost("/@connections/{id}", async (HttpContext ctx, string id) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
            if (body.Length > 128 * 1024)
            {
                return Results.Json(new ErrorBody("PayloadTooLargeException", "message: must be at most 128 KB"), GatewayJsonContext.Default.ErrorBody, statusCode: 413);
            }

            return await hub.SendAsync(id, body.ToArray(), ctx.RequestAborted)
                ? Results.Ok()
                : Results.Json(new ErrorBody("GoneException", $"connection {id} is gone"), GatewayJsonContext.Default.ErrorBody, statusCode: 410);
        });
        app.MapDelete("/@connections/{id}", async (HttpContext ctx, string id) =>
            await hub.CloseAsync(id, ctx.RequestAborted) ? Results.NoContent() : Results.Json(new ErrorBody("GoneException", $"connection {id} is gone"), GatewayJsonContext.Default.ErrorBody, statusCode: 410));
        app.MapGet("/@connections/{id}", (string id) =>
            hub.ConnectedAt(id) is { } at
                ? Results.Json(new ConnectionBody(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), GatewayJsonContext.Default.ConnectionBody)
                : Results.Json(new ErrorBody("GoneException", $"connection {id} is gone"), GatewayJsonContext.Default.ErrorBody, statusCode: 410));

        app.Map("/aggregates/{**rest}", ctx => HttpAsync(ctx, functions().Query, functions(), authorize: true, "GET /aggregates/{proxy+}"));
        app.Map("/channels/{**rest}", ctx => HttpAsync(ctx, functions().Query, functions(), authorize: true, PipelineTopology.HttpRoutes.ChannelChanges));
        app.Map("/reminders", ctx => HttpAsync(ctx, functions().Reminders, functions(), authorize: true, PipelineTopology.HttpRoutes.PostReminder));
        app.Map("/webhooks/{tenant}/{source}", (HttpContext ctx, string tenant, string source) =>
            HttpAsync(ctx, functions().Webhook, functions(), authorize: false, $"{ctx.Request.Method} /webhooks/{{tenant}}/{{source}}", new() { ["tenant"] = tenant, ["source"] = source }));
        extraRoutes?.Invoke(new IEndpointRouteBuilderHolder(app));

        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        gateway.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return gateway;
    }

    private async Task WebSocketAsync(HttpContext ctx, LocalFunctions functions)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 426;
            await ctx.Response.WriteAsync("upgrade to a WebSocket: connect to this URL with ?token=<jwt>", ctx.RequestAborted);
            return;
        }

        var id = NewConnectionId();
        var connectedAt = DateTimeOffset.UtcNow;
        var connect = WebSocketRequest(ctx, id, PipelineTopology.WebSocketRoutes.Connect, "CONNECT", null, connectedAt);
        var response = await functions.Connections(connect, Context("connections"), ctx.RequestAborted);
        if (response.StatusCode is < 200 or >= 300)
        {
            // API Gateway refuses the upgrade with the function's status.
            ctx.Response.StatusCode = response.StatusCode;
            await ctx.Response.WriteAsync(response.Body ?? "", ctx.RequestAborted);
            return;
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        Hub.Add(id, socket, connectedAt);
        var buffer = new byte[128 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, ctx.RequestAborted);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Complete the close handshake, as API Gateway does.
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }

                var body = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                var route = SelectRoute(body);
                await functions.Connections(WebSocketRequest(ctx, id, route, "MESSAGE", body, connectedAt), Context("connections"), ctx.RequestAborted);
            }
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
            try
            {
                await functions.Connections(WebSocketRequest(ctx, id, PipelineTopology.WebSocketRoutes.Disconnect, "DISCONNECT", null, connectedAt), Context("connections"), CancellationToken.None);
            }
#pragma warning disable CA1031 // A failed $disconnect must not crash the gateway; the connection item expires by TTL.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>Route selection on <c>$request.body.action</c>: a known route key, else <c>$default</c>.</summary>
    public static string SelectRoute(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String)
            {
                var action = a.GetString()!;
                if (!action.StartsWith('$') && PipelineTopology.WebSocketRoutes.All.Contains(action))
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

    private static async Task HttpAsync(
        HttpContext ctx,
        Func<APIGatewayHttpApiV2ProxyRequest, ILambdaContext, CancellationToken, Task<APIGatewayHttpApiV2ProxyResponse>>? handler,
        LocalFunctions functions,
        bool authorize,
        string routeKey,
        Dictionary<string, string>? pathParameters = null)
    {
        if (handler is null)
        {
            ctx.Response.StatusCode = 404;
            await ctx.Response.WriteAsJsonAsync(new ErrorBody("not_found", "route not available in this stack"), GatewayJsonContext.Default.ErrorBody, contentType: null, ctx.RequestAborted);
            return;
        }

        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
        var request = new APIGatewayHttpApiV2ProxyRequest
        {
            RouteKey = routeKey,
            RawPath = ctx.Request.Path.Value ?? "/",
            RawQueryString = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "",
            Headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal),
            QueryStringParameters = ctx.Request.Query.Count == 0 ? null : ctx.Request.Query.ToDictionary(q => q.Key, q => string.Join(',', q.Value.ToArray()), StringComparer.Ordinal),
            PathParameters = pathParameters,
            IsBase64Encoded = true,
            Body = body.Length == 0 ? null : Convert.ToBase64String(body.GetBuffer(), 0, (int)body.Length),
            RequestContext = new APIGatewayHttpApiV2ProxyRequest.ProxyRequestContext
            {
                AccountId = "000000000000",
                ApiId = "local",
                DomainName = ctx.Request.Host.Value,
                RequestId = Guid.NewGuid().ToString(),
                RouteKey = routeKey,
                Stage = "$default",
                TimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Http = new APIGatewayHttpApiV2ProxyRequest.HttpDescription
                {
                    Method = ctx.Request.Method,
                    Path = ctx.Request.Path.Value ?? "/",
                    Protocol = ctx.Request.Protocol,
                    SourceIp = ctx.Connection.RemoteIpAddress?.ToString(),
                    UserAgent = ctx.Request.Headers.UserAgent.ToString(),
                },
            },
        };

        if (authorize)
        {
            // The HTTP API's JWT authorizer: 401 before the function runs, claims passed on when valid.
            var auth = ctx.Request.Headers.Authorization.ToString();
            var token = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
            var claims = await functions.Authorize(token);
            if (claims is null)
            {
                ctx.Response.StatusCode = 401;
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await ctx.Response.WriteAsJsonAsync(new ErrorBody("unauthorized", "token: a valid Bearer token is required"), GatewayJsonContext.Default.ErrorBody, contentType: null, ctx.RequestAborted);
                return;
            }

            request.RequestContext.Authorizer = new APIGatewayHttpApiV2ProxyRequest.AuthorizerDescription
            {
                Jwt = new APIGatewayHttpApiV2ProxyRequest.JwtDescription { Claims = claims, Scopes = [] },
            };
        }

        var response = await handler(request, Context(routeKey), ctx.RequestAborted);
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

    private static APIGatewayWebSocketRequest WebSocketRequest(HttpContext ctx, string id, string route, string eventType, string? body, DateTimeOffset connectedAt) => new()
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
            Stage = "local",
            ApiId = "local",
            MessageDirection = "IN",
        },
    };

    private static LambdaContext Context(string function) => LambdaContext.ForLocal(function, TimeSpan.FromSeconds(30));

    private static string NewConnectionId()
    {
        Span<byte> b = stackalloc byte[10];
        RandomNumberGenerator.Fill(b);
        return Convert.ToBase64String(b).Replace('+', 'A').Replace('/', 'B');
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Lets the host add routes (dashboard, metrics, outbox) to the gateway's app.</summary>
public sealed class IEndpointRouteBuilderHolder(WebApplication app)
{
    /// <summary>The app.</summary>
    public WebApplication App { get; } = app;
}

internal sealed record ErrorBody(string Error, string Message);

internal sealed record ConnectionBody(string ConnectedAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ConnectionBody))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatewayJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
