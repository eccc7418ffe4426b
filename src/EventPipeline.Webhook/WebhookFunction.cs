using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventPipeline.Aws.Clients;
using EventPipeline.Domain;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Webhook;

/// <summary>
/// <c>POST /webhooks/{tenant}/{source}</c>: checks the provider's signature on the raw bytes, parse-checks the payload
/// with the source's adapter, and puts the ingest envelope on the Kinesis stream. In order: unknown source → 404;
/// invalid tenant → 404; body over 1 MiB → 413; handshakes (Microsoft Graph <c>validationToken</c>, CloudEvents
/// <c>OPTIONS</c>); signature → 401; adapter rejection → 400; stream failure → 503; otherwise 202. Every error body is
/// <c>{"error","field","rule","message"}</c> and never contains a secret or an expected signature.
/// One structured log line per request (tenant, source, status, reason, dedup ids; no body, no secret).
/// The CloudEvents <c>OPTIONS</c> handshake is answered for every registered source (any producer may use the webhook
/// spec's abuse protection); the Graph <c>validationToken</c> echo only for <see cref="GraphSource"/>. Other methods → 405.
/// </summary>
public sealed class WebhookFunction
{
    /// <summary>The source whose POSTs may carry a <c>validationToken</c> handshake.</summary>
    public const string GraphSource = "graph";

    private const int MaxLoggedIds = 20;
    private const int MaxPartitionKeyLength = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IReadOnlyDictionary<string, SourceRegistration> _sources;
    private readonly IWebhookSecrets _secrets;
    private readonly IKinesisClient _kinesis;
    private readonly LambdaLog _log;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A handler over <paramref name="sources"/> (usually <see cref="SourceCatalog.Create"/>).</summary>
    public WebhookFunction(
        IReadOnlyDictionary<string, SourceRegistration> sources,
        IWebhookSecrets secrets,
        IKinesisClient kinesis,
        LambdaLog log,
        WebhookOptions? options = null,
        TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(kinesis);
        ArgumentNullException.ThrowIfNull(log);
        _sources = sources;
        _secrets = secrets;
        _kinesis = kinesis;
        _log = log;
        _options = options ?? new WebhookOptions();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Handles one HTTP API (payload 2.0) request.</summary>
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var trace = new Trace();
        APIGatewayHttpApiV2ProxyResponse response;
        try
        {
            response = await ProcessAsync(request, trace, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            trace.Exception = ex;
            response = Error(trace, 500, "internal", "request", "unexpected failure; see the function's log");
        }

        Log(context, trace, response.StatusCode);
        return response;
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> ProcessAsync(APIGatewayHttpApiV2ProxyRequest request, Trace trace, CancellationToken ct)
    {
        var method = Method(request);
        var (tenant, sourceName) = PathValues(request);
        trace.Tenant = tenant;
        trace.Source = sourceName;

        if (sourceName is null || !_sources.TryGetValue(sourceName, out var source))
        {
            return Error(trace, 404, "not_found", "source", "must be a registered source");
        }

        trace.Source = source.Name;
        if (!Names.IsValidTenant(tenant))
        {
            // Same answer as any path without an endpoint: the caller learns nothing about tenants.
            trace.Reason = "tenant: " + Names.TenantRule;
            return Error(trace, 404, "not_found", "path", "no webhook endpoint at this path", logReason: false);
        }

        byte[] body;
        try
        {
            body = BodyBytes(request);
        }
        catch (FormatException)
        {
            return Error(trace, 400, "bad_request", "body", "must be valid base64 when isBase64Encoded is true");
        }
        catch (PayloadTooLargeException)
        {
            return Error(trace, 413, "payload_too_large", "body", $"must be at most {WebhookOptions.MaxBodyBytes} bytes");
        }

        trace.Bytes = body.Length;
        var headers = Headers(request);

        if (method == "OPTIONS")
        {
            return CloudEventsHandshake(headers, trace);
        }

        if (method != "POST")
        {
            var notAllowed = Error(trace, 405, "method_not_allowed", "method", "must be POST (or OPTIONS for the CloudEvents webhook handshake)");
            notAllowed.Headers!["Allow"] = "OPTIONS, POST";
            return notAllowed;
        }

        if (string.Equals(source.Name, GraphSource, StringComparison.OrdinalIgnoreCase) && GraphValidationToken(request) is { } token)
        {
            trace.Reason = "graph validationToken handshake";
            return new APIGatewayHttpApiV2ProxyResponse
            {
                StatusCode = 200,
                Headers = new Dictionary<string, string>
                {
                    ["Content-Type"] = "text/plain; charset=utf-8",
                    // The token is echoed verbatim: forbid sniffing so it can never be rendered as HTML.
                    ["X-Content-Type-Options"] = "nosniff",
                },
                Body = token,
            };
        }

        IReadOnlyList<string> secrets;
        try
        {
            secrets = await _secrets.GetAsync(tenant!, source.Name, ct);
        }
        catch (WebhookSecretsUnavailableException ex)
        {
            trace.Exception = ex;
            return Unavailable(trace, "secrets", "the secret store is unavailable; retry later");
        }

        if (secrets.Count == 0)
        {
            return Error(trace, 401, "unauthorized", "signature", "no webhook secret configured");
        }

        var url = PublicUrl(request);
        var now = _clock.GetUtcNow();
        var auth = source.Authenticator.Verify(new WebhookRequest("POST", url, headers, body), secrets, now);
        if (!auth.Ok)
        {
            return Error(trace, 401, "unauthorized", "signature", auth.Reason ?? "not authentic");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Error(trace, 400, "rejected", "body", "must be UTF-8 text");
        }

        var envelope = new IngestEnvelope(tenant!, source.Name, now, WebhookHeaders.ForEnvelope(headers, secrets), text) { Url = url };

        IReadOnlyList<CanonicalEvent> events = [];
        try
        {
            switch (await source.Adapter.AdaptAsync(envelope, ct))
            {
                case AdapterResult.Rejected rejected:
                    return Error(trace, 400, "rejected", rejected.Reason.Field, rejected.Reason.Rule);
                case AdapterResult.Accepted accepted:
                    events = accepted.Events;
                    break;
            }
        }
        catch (TransientSourceException ex)
        {
            // Enrichment (Graph) is down: the notice is authentic, so accept it; the stream's consumer retries the fetch.
            trace.Deferred = true;
            trace.Exception = ex;
        }

        trace.EventIds = events.Select(e => e.EventId).ToList();
        var partitionKey = PartitionKey(tenant!, source.Name, events);
        try
        {
            await _kinesis.PutRecordAsync(_options.StreamName, partitionKey, IngestEnvelopeCodec.Encode(envelope), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            trace.Exception = ex;
            return Unavailable(trace, "stream", "the event stream is unavailable; retry later");
        }

        trace.PartitionKey = partitionKey;
        return Json(202, w =>
        {
            w.WriteBoolean("accepted", true);
            w.WriteNumber("events", events.Count);
            if (trace.Deferred)
            {
                w.WriteBoolean("enrichmentDeferred", true);
            }
        });
    }

    /// <summary>
    /// The stream's partition key: one entity's events stay in order on one shard while different entities spread;
    /// payloads without events (deferred enrichment) fall back to the tenant's source. Kinesis allows 256 characters,
    /// so a longer key hashes the entity part (still stable per entity).
    /// </summary>
    public static string PartitionKey(string tenant, string source, IReadOnlyList<CanonicalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return $"{tenant}:{source}";
        }

        var entity = events[0].Entity;
        var key = $"{tenant}:{entity.Kind}/{entity.Id}";
        if (key.Length <= MaxPartitionKeyLength)
        {
            return key;
        }

        return $"{tenant}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{entity.Kind}/{entity.Id}")))}";
    }

    private APIGatewayHttpApiV2ProxyResponse CloudEventsHandshake(Dictionary<string, string> headers, Trace trace)
    {
        var response = new APIGatewayHttpApiV2ProxyResponse
        {
            Headers = new Dictionary<string, string> { ["Allow"] = "OPTIONS, POST" },
        };
        if (headers.TryGetValue("webhook-request-origin", out var origin) && !string.IsNullOrWhiteSpace(origin))
        {
            // CloudEvents HTTP webhook abuse protection: consent by echoing the origin and granting a rate.
            trace.Reason = "cloudevents webhook handshake";
            response.StatusCode = 200;
            response.Headers["WebHook-Allowed-Origin"] = origin.Trim();
            response.Headers["WebHook-Allowed-Rate"] = _options.AllowedRate;
        }
        else
        {
            trace.Reason = "options without WebHook-Request-Origin";
            response.StatusCode = 204;
        }

        return response;
    }

    private static string Method(APIGatewayHttpApiV2ProxyRequest request)
    {
        var method = request.RequestContext?.Http?.Method;
        if (string.IsNullOrEmpty(method))
        {
            // Fall back on the route key ("POST /webhooks/{tenant}/{source}").
            var space = request.RouteKey.IndexOf(' ', StringComparison.Ordinal);
            method = space > 0 ? request.RouteKey[..space] : "";
        }

        return method.ToUpperInvariant();
    }

    private static (string? Tenant, string? Source) PathValues(APIGatewayHttpApiV2ProxyRequest request)
    {
        string? tenant = null, source = null;
        if (request.PathParameters is { } p)
        {
            p.TryGetValue("tenant", out tenant);
            p.TryGetValue("source", out source);
        }

        if (tenant is null || source is null)
        {
            // Without path parameters (a catch-all route), read /…/webhooks/{tenant}/{source} from the raw path.
            var segments = request.RawPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.LastIndexOf(segments, "webhooks");
            if (at >= 0 && at + 2 == segments.Length - 1)
            {
                tenant ??= Uri.UnescapeDataString(segments[at + 1]);
                source ??= Uri.UnescapeDataString(segments[at + 2]);
            }
        }

        return (tenant, source);
    }

    private static byte[] BodyBytes(APIGatewayHttpApiV2ProxyRequest request)
    {
        var body = request.Body ?? "";
        if (request.IsBase64Encoded)
        {
            // Decoded size is at most 3/4 of the text: refuse early without decoding a huge body.
            if ((long)body.Length / 4 * 3 > WebhookOptions.MaxBodyBytes + 2)
            {
                throw new PayloadTooLargeException();
            }

            var bytes = Convert.FromBase64String(body);
            return bytes.Length > WebhookOptions.MaxBodyBytes ? throw new PayloadTooLargeException() : bytes;
        }

        if (body.Length > WebhookOptions.MaxBodyBytes || Encoding.UTF8.GetByteCount(body) > WebhookOptions.MaxBodyBytes)
        {
            throw new PayloadTooLargeException();
        }

        return Encoding.UTF8.GetBytes(body);
    }

    private static Dictionary<string, string> Headers(APIGatewayHttpApiV2ProxyRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.Headers is not null)
        {
            foreach (var (name, value) in request.Headers)
            {
#pragma warning disable CA1308 // Header names are lower-case by contract (HTTP/2, API Gateway, the ingest envelope).
                headers[name.ToLowerInvariant()] = value;
#pragma warning restore CA1308
            }
        }

        return headers;
    }

    private string PublicUrl(APIGatewayHttpApiV2ProxyRequest request)
    {
        var query = string.IsNullOrEmpty(request.RawQueryString) ? "" : "?" + request.RawQueryString;
        var path = request.RawPath.StartsWith('/') ? request.RawPath : "/" + request.RawPath;
        var baseUrl = !string.IsNullOrWhiteSpace(_options.PublicBaseUrl)
            ? _options.PublicBaseUrl.TrimEnd('/')
            : "https://" + (request.RequestContext?.DomainName ?? HeaderOrEmpty(request, "host"));
        return baseUrl + path + query;
    }

    private static string HeaderOrEmpty(APIGatewayHttpApiV2ProxyRequest request, string name)
    {
        if (request.Headers is null)
        {
            return "";
        }

        foreach (var (k, v) in request.Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return "";
    }

    private static string? GraphValidationToken(APIGatewayHttpApiV2ProxyRequest request)
    {
        // API Gateway has already URL-decoded queryStringParameters; the raw query is the fallback (local hosts).
        if (request.QueryStringParameters is { } q && q.TryGetValue("validationToken", out var decoded))
        {
            return decoded;
        }

        if (string.IsNullOrEmpty(request.RawQueryString))
        {
            return null;
        }

        foreach (var pair in request.RawQueryString.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            if (string.Equals(Uri.UnescapeDataString(name), "validationToken", StringComparison.Ordinal))
            {
                return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    private APIGatewayHttpApiV2ProxyResponse Unavailable(Trace trace, string field, string rule)
    {
        var response = Error(trace, 503, "unavailable", field, rule);
        response.Headers!["Retry-After"] = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return response;
    }

    private static APIGatewayHttpApiV2ProxyResponse Error(Trace trace, int status, string code, string field, string rule, bool logReason = true)
    {
        trace.Code = code;
        if (logReason)
        {
            trace.Reason = $"{field}: {rule}";
        }

        return Json(status, w =>
        {
            w.WriteString("error", code);
            w.WriteString("field", field);
            w.WriteString("rule", rule);
            w.WriteString("message", $"{field}: {rule}");
        });
    }

    private static APIGatewayHttpApiV2ProxyResponse Json(int status, Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }

        return new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = status,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            Body = Encoding.UTF8.GetString(buffer.WrittenSpan),
        };
    }

    private void Log(ILambdaContext context, Trace trace, int status)
    {
        var level = status >= 500 ? LambdaLogLevel.Error : status >= 400 ? LambdaLogLevel.Warning : LambdaLogLevel.Information;
        var ids = trace.EventIds is { Count: > 0 } list
            ? string.Join(",", list.Take(MaxLoggedIds)) + (list.Count > MaxLoggedIds ? $",…(+{list.Count - MaxLoggedIds})" : "")
            : null;
        _log.WithRequestId(context.AwsRequestId).Write(
            level,
            "webhook",
            // Exception messages of the SDK and HTTP stack carry no secrets; the stack trace helps on 5xx only.
            status >= 500 ? trace.Exception : null,
            ("tenant", Truncate(trace.Tenant)),
            ("source", Truncate(trace.Source)),
            ("status", status),
            ("error", trace.Code),
            ("reason", trace.Reason ?? (trace.Deferred ? "enrichment deferred: " + trace.Exception?.Message : null)),
            ("dedupIds", ids),
            ("events", trace.EventIds?.Count ?? 0),
            ("bytes", trace.Bytes),
            ("partitionKey", trace.PartitionKey));
    }

    // Path values are attacker-controlled: keep log lines bounded.
    private static string? Truncate(string? value) => value is { Length: > 128 } ? value[..128] + "…" : value;

    /// <summary>What one request did, for its log line.</summary>
    private sealed class Trace
    {
        public string? Tenant { get; set; }

        public string? Source { get; set; }

        public string? Code { get; set; }

        public string? Reason { get; set; }

        public List<string>? EventIds { get; set; }

        public int Bytes { get; set; }

        public string? PartitionKey { get; set; }

        public bool Deferred { get; set; }

        public Exception? Exception { get; set; }
    }

    private sealed class PayloadTooLargeException : Exception;
}
