using System.Buffers;
using System.Text;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Domain;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Connections;

/// <summary>
/// WebSocket routes. <c>$connect</c> verifies the token (query string <c>token</c>, or <c>Authorization: Bearer</c>) and binds
/// the connection to its tenant; <c>subscribe</c> / <c>unsubscribe</c> / <c>ping</c> answer over the management API;
/// <c>subscribe</c> with <c>since</c> first replays what the client missed from the change log, or tells it to reload.
/// </summary>
public sealed class ConnectionsFunction(
    TenantTokenValidator tokens,
    IConnectionStore connections,
    IChangeLog changeLog,
    IApiGatewayManagementClient management,
    TimeProvider clock,
    LambdaLog? log = null,
    EmfMetrics? metrics = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

    /// <summary>Most missed changes replayed on resume before the client is told to reload instead.</summary>
    public const int MaxReplay = 1000;

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
                    var result = await tokens.ValidateAsync(token);
                    if (!result.IsValid)
                    {
                        // The reason, never the token itself.
                        _log.WithRequestId(context.AwsRequestId).Warning("connect refused", ("connectionId", rc.ConnectionId), ("reason", result.Error));
                        Flush("ConnectsRefused");
                        return Status(401, result.Error!);
                    }

                    await connections.AddAsync(new ConnectionInfo(rc.ConnectionId, result.Tenant!, clock.GetUtcNow()), cancellationToken);
                    _log.WithRequestId(context.AwsRequestId).Information("connected", ("connectionId", rc.ConnectionId), ("tenant", result.Tenant));
                    Flush("Connects");
                    return Status(200, "connected");
                }

            case PipelineTopology.WebSocketRoutes.Disconnect:
                await connections.RemoveAsync(rc.ConnectionId, cancellationToken);
                _log.WithRequestId(context.AwsRequestId).Information("disconnected", ("connectionId", rc.ConnectionId));
                Flush("Disconnects");
                return Status(200, "disconnected");
            default:
                await HandleMessageAsync(rc.ConnectionId, rc.RouteKey, request.Body, cancellationToken);
                return Status(200, "ok");
        }
    }

    private async Task HandleMessageAsync(string connectionId, string route, string? body, CancellationToken ct)
    {
        var connection = await connections.GetAsync(connectionId, ct);
        if (connection is null)
        {
            // Expired or never connected: nothing is bound to this id, so nothing may be answered but an error.
            await SendAsync(connectionId, Error("connection", "unknown or expired: reconnect"), ct);
            return;
        }

        string? channel = null;
        long? since = null;
        try
        {
            using var doc = JsonDocument.Parse(body ?? "{}");
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("channel", out var c))
                {
                    channel = c.ValueKind == JsonValueKind.String ? c.GetString() : "";
                }

                if (doc.RootElement.TryGetProperty("since", out var s))
                {
                    if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var sv) || sv < 0)
                    {
                        await SendAsync(connectionId, Error("since", "must be a non-negative integer sequence"), ct);
                        return;
                    }

                    since = sv;
                }
            }
        }
        catch (JsonException)
        {
            await SendAsync(connectionId, Error("body", "must be a JSON object"), ct);
            return;
        }

        switch (route)
        {
            case PipelineTopology.WebSocketRoutes.Ping:
                await SendAsync(connectionId, Json(w =>
                {
                    w.WriteString("type", "pong");
                    w.WriteString("time", clock.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                }), ct);
                return;
            case PipelineTopology.WebSocketRoutes.Subscribe:
            case PipelineTopology.WebSocketRoutes.Unsubscribe:
                if (Channels.Validate(channel) is { } rule)
                {
                    await SendAsync(connectionId, Error("channel", rule), ct);
                    return;
                }

                if (route == PipelineTopology.WebSocketRoutes.Unsubscribe)
                {
                    await connections.UnsubscribeAsync(connectionId, channel!, ct);
                    await SendAsync(connectionId, Json(w => { w.WriteString("type", "unsubscribed"); w.WriteString("channel", channel); }), ct);
                    return;
                }

                await connections.SubscribeAsync(connection, channel!, ct);
                long latest;
                if (since is { } from)
                {
                    var changes = await changeLog.ReadSinceAsync(connection.Tenant, channel!, from, MaxReplay, ct);
                    latest = changes.Latest;
                    if (changes.Gap || (changes.Entries.Count > 0 && changes.Entries[^1].Sequence < changes.Latest))
                    {
                        await SendAsync(connectionId, Json(w =>
                        {
                            w.WriteString("type", "reload");
                            w.WriteString("channel", channel);
                            w.WriteNumber("sequence", changes.Latest);
                            w.WriteString("reason", "changes since the given sequence are no longer in the change log: reload the aggregate");
                        }), ct);
                    }
                    else
                    {
                        foreach (var e in changes.Entries)
                        {
                            await SendAsync(connectionId, Encoding.UTF8.GetBytes(e.Payload), ct);
                        }
                    }
                }
                else
                {
                    latest = (await changeLog.ReadSinceAsync(connection.Tenant, channel!, long.MaxValue - 1, 1, ct)).Latest;
                }

                await SendAsync(connectionId, Json(w =>
                {
                    w.WriteString("type", "subscribed");
                    w.WriteString("channel", channel);
                    w.WriteNumber("sequence", latest);
                }), ct);
                return;
            default:
                await SendAsync(connectionId, Error("action", "must be one of: subscribe, unsubscribe, ping"), ct);
                return;
        }
    }

    private async Task SendAsync(string connectionId, byte[] payload, CancellationToken ct)
    {
        try
        {
            await management.PostToConnectionAsync(connectionId, payload, ct);
        }
        catch (GoneException)
        {
            _log.Information("connection gone", ("connectionId", connectionId));
            metrics?.Increment("GoneConnections");
            await connections.RemoveAsync(connectionId, ct);
        }
    }

    private void Flush(string metric)
    {
        metrics?.Increment(metric);
        metrics?.Flush();
    }

    private static byte[] Error(string field, string rule) => Json(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("field", field);
        w.WriteString("rule", rule);
        w.WriteString("message", $"{field}: {rule}");
    });

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

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
