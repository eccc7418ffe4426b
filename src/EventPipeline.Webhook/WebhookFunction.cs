using System.Globalization;
using System.Text;
using System.Text.Json;
using EventPipeline.Application.Webhooks;
using EventPipeline.Domain;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Webhook;

/// <summary>
/// <c>POST /webhooks/{tenant}/{source}</c>: checks the provider's signature on the raw bytes, parse-checks the payload
/// with the source's adapter, and puts the ingest envelope on the Kinesis stream. In order: unknown source → 404;
/// invalid tenant → 404; body over 768,000 bytes (WebhookLimits) → 413; handshakes (Microsoft Graph <c>validationToken</c>, CloudEvents
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

    private readonly IReadOnlyDictionary<string, SourceRegistration> _sources;
    private readonly WebhookIntake _intake;
    private readonly LambdaLog _log;
    private readonly WebhookOptions _options;
    private readonly EmfMetrics? _metrics;

    /// <summary>A handler over <paramref name="sources"/> (usually <see cref="SourceCatalog.Create"/>).</summary>
    public WebhookFunction(IReadOnlyDictionary<string, SourceRegistration> sources, WebhookIntake intake, LambdaLog log, WebhookOptions? options = null, EmfMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(log);
        _sources = sources;
        _intake = intake;
        _log = log;
        _options = options ?? new WebhookOptions();
        _metrics = metrics;
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
        if (_metrics is { } m)
        {
            m.Increment("Requests");
            m.Increment(response.StatusCode >= 500 ? "ServerErrors" : response.StatusCode >= 400 ? "ClientErrors" : "Successes");
            m.Flush();
        }

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
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                {
                    [HttpApiResponses.ContentType] = "text/plain; charset=utf-8",
                    // The token is echoed verbatim: forbid sniffing so it can never be rendered as HTML.
                    ["X-Content-Type-Options"] = "nosniff",
                },
                Body = token,
            };
        }

        var outcome = await _intake.AcceptAsync(new WebhookDelivery(tenant!, source, PublicUrl(request), headers, body), ct);
        trace.EventIds = outcome.EventIds.Count > 0 ? outcome.EventIds.ToList() : null;
        trace.Deferred = outcome.EnrichmentDeferred;
        trace.Exception = outcome.Cause;
        if (outcome.Problem is { } problem)
        {
            return outcome.Verdict switch
            {
                WebhookVerdict.Unauthorized => Error(trace, 401, "unauthorized", problem.Field, problem.Rule),
                WebhookVerdict.TooLarge => Error(trace, 413, "payload_too_large", problem.Field, problem.Rule),
                WebhookVerdict.Unavailable => Unavailable(trace, problem.Field, problem.Rule),
                _ => Error(trace, 400, "rejected", problem.Field, problem.Rule),
            };
        }

        trace.PartitionKey = outcome.PartitionKey;
        return HttpApiResponses.Json(202, w =>
        {
            w.WriteBoolean("accepted", true);
            w.WriteNumber("events", outcome.EventIds.Count);
            if (trace.Deferred)
            {
                w.WriteBoolean("enrichmentDeferred", true);
            }
        });
    }

    private APIGatewayHttpApiV2ProxyResponse CloudEventsHandshake(Dictionary<string, string> headers, Trace trace)
    {
        var response = new APIGatewayHttpApiV2ProxyResponse
        {
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Allow"] = "OPTIONS, POST" },
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

        return HttpApiResponses.Error(status, code, field, rule);
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
