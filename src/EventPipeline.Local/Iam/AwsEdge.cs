using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Local.Iam;

/// <summary>
/// The local stack's one AWS endpoint (every function's <c>AWS_ENDPOINT_URL</c>): it reads who signed each request
/// (SigV4 access key → a role of the template, or the administrator), works out the IAM actions and resources the call
/// needs, evaluates the caller's policies (<see cref="PolicyEvaluator"/>) and the resource's policy, answers a denied call
/// the way that service answers it in AWS, and forwards allowed calls unchanged, by signing name, to the emulator that
/// serves them (DynamoDB Local, kinesis-mock, moto, the local gateway, the local Step Functions).
/// </summary>
public sealed class AwsEdge : IAsyncDisposable
{
    private const int MaxRecentDenials = 200;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, IamPrincipal> _principals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Backend> _backends = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<PolicyStatement>> _resourcePolicies = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AccessDenial> _denials = new();
    private readonly ServiceCallReader _reader;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), MaxConnectionsPerServer = 256 })
    {
        Timeout = TimeSpan.FromSeconds(100),
    };

    private long _allowed;
    private long _denied;

    private readonly Gateway.LocalAccess _access;

    private AwsEdge(WebApplication app, string region, string accountId, Gateway.LocalAccess access)
    {
        _app = app;
        _access = access;
        Region = region;
        AccountId = accountId;
        _reader = new ServiceCallReader(region, accountId);
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:4566/</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Region of the ARNs it authorizes.</summary>
    public string Region { get; }

    /// <summary>Account of the ARNs it authorizes.</summary>
    public string AccountId { get; }

    /// <summary>Calls allowed so far.</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Calls denied so far.</summary>
    public long Denied => Interlocked.Read(ref _denied);

    /// <summary>The most recent denials, oldest first (the dashboard, tests).</summary>
    public IReadOnlyList<AccessDenial> RecentDenials => [.. _denials];

    /// <summary>The IAM view of requests (ARNs of tables, streams, queues).</summary>
    public ServiceCallReader Calls => _reader;

    /// <summary>
    /// Raised with the stream's name after kinesis-mock accepted a PutRecord or PutRecords through this endpoint: what
    /// wakes a mapping on an enhanced fan-out consumer, the local stand-in for Kinesis pushing the records to it.
    /// </summary>
    public event Action<string>? KinesisRecordsPut;

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<AwsEdge> StartAsync(int port, string region, string accountId, Gateway.LocalAccess access, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        var edge = new AwsEdge(app, region, accountId, access);
        app.Run(edge.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        edge.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return edge;
    }

    /// <summary>Lets <paramref name="principal"/> sign requests.</summary>
    public void AddPrincipal(IamPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        _principals[principal.AccessKeyId] = principal;
    }

    /// <summary>Forwards requests signed for <paramref name="service"/> to <paramref name="target"/>.</summary>
    public void Forward(string service, Uri target, Func<string, string>? rewritePath = null) =>
        _backends[service] = new Backend(target, rewritePath, null);

    /// <summary>Serves requests signed for <paramref name="service"/> in-process.</summary>
    public void Serve(string service, Func<HttpContext, byte[], Task> handler) =>
        _backends[service] = new Backend(null, null, handler);

    /// <summary>Sets the resource-based policy of <paramref name="resourceArn"/> (e.g. a queue policy).</summary>
    public void SetResourcePolicy(string resourceArn, IReadOnlyList<PolicyStatement> statements) => _resourcePolicies[resourceArn] = statements;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        if (!await _access.AdmitAsync(ctx))
        {
            return;
        }

        var signed = SignedRequest.Parse(ctx.Request.Headers.Authorization.ToString());
        if (signed is null)
        {
            await WriteAsync(ctx, 403, "application/json", """{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token: sign requests with SigV4"}""");
            return;
        }

        if (!_principals.TryGetValue(signed.AccessKeyId, out var principal))
        {
            await WriteAsync(ctx, 400, "application/json", """{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}""");
            return;
        }

        if (!_backends.TryGetValue(signed.Service, out var backend))
        {
            await WriteAsync(ctx, 400, "application/json", $$"""{"__type":"UnknownOperationException","message":"the local AWS endpoint does not serve '{{signed.Service}}'"}""");
            return;
        }

        var body = await ReadBodyAsync(ctx);
        var target = ctx.Request.Headers["X-Amz-Target"].ToString();
        if (SigV4Verifier.Verify(ctx.Request, body, principal.SecretAccessKey, DateTimeOffset.UtcNow) is { } invalid)
        {
            Interlocked.Increment(ref _denied);
            await WriteSignatureErrorAsync(ctx, target, invalid.Code, invalid.Message);
            return;
        }

        var path = ctx.Request.Path.Value ?? "/";
        ServiceCall? call = null;
        if (!principal.IsAdministrator)
        {
            try
            {
                call = _reader.Read(signed.Service, ctx.Request.Method, path, target.Length > 0 ? target : null, ctx.Request.ContentType, body, Context(ctx));
            }
            catch (Exception ex) when (ex is NotSupportedException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                await WriteAsync(ctx, 400, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = "ValidationException", ["message"] = ex.Message }, IamJsonContext.Default.DictionaryStringString));
                return;
            }

            foreach (var access in call.Accesses)
            {
                var decision = PolicyEvaluator.Evaluate(principal.Statements!, access);
                var resourceDeny = _resourcePolicies.TryGetValue(access.Resource, out var resourcePolicy)
                    && PolicyEvaluator.Evaluate(resourcePolicy, access).ExplicitDeny;
                if (!decision.Allowed || resourceDeny)
                {
                    Interlocked.Increment(ref _denied);
                    _denials.Enqueue(new AccessDenial(DateTimeOffset.UtcNow, principal.Name, access.Action, access.Resource));
                    while (_denials.Count > MaxRecentDenials && _denials.TryDequeue(out _))
                    {
                    }

                    var (status, contentType, text, errorType) = AccessDeniedResponse.For(call, principal, access, decision.ExplicitDeny || resourceDeny);
                    if (errorType is not null)
                    {
                        ctx.Response.Headers["x-amzn-ErrorType"] = errorType;
                    }

                    await WriteAsync(ctx, status, contentType, text);
                    return;
                }
            }
        }

        Interlocked.Increment(ref _allowed);
        if (signed.Service == "kinesis" && KinesisRequestLimits.Check(target, body) is { } overLimit)
        {
            await WriteAsync(ctx, 400, "application/x-amz-json-1.1", JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = overLimit.Type, ["message"] = overLimit.Message }, IamJsonContext.Default.DictionaryStringString));
            return;
        }

        if (backend.Handler is { } handler)
        {
            await handler(ctx, body);
            return;
        }

        await ForwardAsync(ctx, backend, path, body, signed.Service, target);
    }

    /// <summary>A signature error as each protocol answers it: JSON 400 with <c>__type</c>, the query protocol's 403 XML, REST 403.</summary>
    private static Task WriteSignatureErrorAsync(HttpContext ctx, string target, string code, string message)
    {
        if (target.Length > 0)
        {
            return WriteAsync(ctx, 400, "application/x-amz-json-1.1", JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code == "SignatureDoesNotMatch" ? "InvalidSignatureException" : code, ["message"] = message }, IamJsonContext.Default.DictionaryStringString));
        }

        if (ctx.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            return WriteAsync(ctx, 403, "text/xml", $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>");
        }

        ctx.Response.Headers["x-amzn-ErrorType"] = code == "SignatureDoesNotMatch" ? "InvalidSignatureException" : code;
        return WriteAsync(ctx, 403, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }, IamJsonContext.Default.DictionaryStringString));
    }

    private async Task ForwardAsync(HttpContext ctx, Backend backend, string path, byte[] body, string service, string target)
    {
        var forwardedPath = backend.RewritePath?.Invoke(path) ?? path;
        var uri = new Uri(backend.Target!, forwardedPath.TrimStart('/') + ctx.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), uri);
        var content = new ByteArrayContent(body);
        foreach (var header in ctx.Request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        request.Content = content;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            // The emulator is down (crashed, restarting): what a client sees from an unreachable service.
            await WriteAsync(ctx, 503, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = "ServiceUnavailableException", ["message"] = $"{service} is not reachable: {ex.Message}" }, IamJsonContext.Default.DictionaryStringString));
            return;
        }

        using (response)
        {
            ctx.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                ctx.Response.Headers[header.Key] = header.Value.ToArray();
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(ctx.RequestAborted);
            if (response.IsSuccessStatusCode && target.Length > 0)
            {
                RememberIterators(target, body, bytes);
            }

            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
            if (response.IsSuccessStatusCode && service == "kinesis" && KinesisRecordsPut is { } put
                && (target.EndsWith(".PutRecords", StringComparison.Ordinal) || target.EndsWith(".PutRecord", StringComparison.Ordinal))
                && StreamNameOf(body) is { } stream)
            {
                put(stream);
            }
        }
    }

    /// <summary>The stream a Kinesis request names (<c>StreamName</c>, or the name in <c>StreamARN</c>), read without parsing its records.</summary>
    internal static string? StreamNameOf(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("StreamName") ? 1 : reader.ValueTextEquals("StreamARN") ? 2 : 0;
                reader.Read();
                if (name != 0 && reader.TokenType == JsonTokenType.String)
                {
                    var value = reader.GetString()!;
                    return name == 1 ? value : value[(value.LastIndexOf('/') + 1)..];
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private void RememberIterators(string target, byte[] request, byte[] response)
    {
        var operation = target[(target.LastIndexOf('.') + 1)..];
        if (operation is not ("GetShardIterator" or "GetRecords"))
        {
            return;
        }

        try
        {
            using var req = JsonDocument.Parse(request);
            using var res = JsonDocument.Parse(response);
            string? stream = operation == "GetShardIterator"
                ? req.RootElement.TryGetProperty("StreamARN", out var arn) ? arn.GetString()
                    : req.RootElement.TryGetProperty("StreamArn", out var ddb) ? ddb.GetString()
                    : req.RootElement.TryGetProperty("StreamName", out var name) ? _reader.StreamArn(name.GetString()!) : null
                : _reader.StreamOfIterator(req.RootElement.GetProperty("ShardIterator").GetString()!);
            var next = res.RootElement.TryGetProperty(operation == "GetShardIterator" ? "ShardIterator" : "NextShardIterator", out var it) ? it.GetString() : null;
            if (stream is not null && next is not null)
            {
                _reader.RememberIterator(next, stream);
            }
        }
        catch (JsonException)
        {
        }
        catch (KeyNotFoundException)
        {
        }
    }

    private static Dictionary<string, string> Context(HttpContext ctx) => new(StringComparer.OrdinalIgnoreCase)
    {
        // Locally every hop is plain HTTP on loopback; in AWS the SDKs use TLS, so policies that deny insecure transport
        // (the dead-letter queue's) are evaluated as for a TLS request.
        ["aws:SecureTransport"] = "true",
        ["aws:CurrentTime"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["aws:SourceIp"] = ctx.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
    };

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext ctx, int status, string contentType, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await ctx.Response.WriteAsync(body, ctx.RequestAborted);
    }

    private sealed record Backend(Uri? Target, Func<string, string>? RewritePath, Func<HttpContext, byte[], Task>? Handler);
}
