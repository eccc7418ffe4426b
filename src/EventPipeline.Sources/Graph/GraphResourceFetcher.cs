using System.Globalization;
using System.Net;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace EventPipeline.Sources.Graph;

/// <summary>
/// Fetches <c>{GraphBaseUrl}{resource}</c> through one resilience pipeline built per instance (Polly): a retry with
/// exponential jittered backoff around a circuit breaker around a per-attempt timeout. Timeouts, network errors, 408,
/// 429 and 5xx are retried; when they persist, or the breaker is open, the fetch throws
/// <see cref="TransientSourceException"/> so the stream retries the record (and dead-letters it after its retry limit).
/// </summary>
public sealed class GraphResourceFetcher
{
    private readonly HttpClient http;
    private readonly string baseText;
    private readonly Func<string, CancellationToken, ValueTask<string?>>? accessToken;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    /// <summary>Creates the fetcher and its resilience pipeline.</summary>
    public GraphResourceFetcher(HttpClient http, SourceDependencies dependencies, GraphFetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(dependencies);
        options ??= new GraphFetchOptions();
        this.http = http;
        var b = dependencies.GraphBaseUrl.AbsoluteUri;
        baseText = new Uri(b.EndsWith('/') ? b : b + "/").AbsoluteUri;
        accessToken = dependencies.GraphAccessToken;

        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => IsTransient(r.StatusCode));

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = dependencies.Clock };
        if (dependencies.FetchRetries > 0)
        {
            // Polly needs at least one retry attempt; zero retries means no retry strategy at all.
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = dependencies.FetchRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
            });
        }

        pipeline = builder
            // Inside the retry: an open breaker's BrokenCircuitException is not retried, so calls fail fast.
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(2, options.MinimumThroughput),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(dependencies.FetchTimeout)
            .Build();
    }

    /// <summary>
    /// Fetches the resource for <paramref name="tenant"/>; null when Graph answers 404/410 (the resource is gone).
    /// Throws <see cref="TransientSourceException"/> when Graph stays unavailable.
    /// </summary>
    /// <param name="tenant">Tenant whose access token is used.</param>
    /// <param name="resource">Relative Graph path from the notification, e.g. <c>users/1/messages/2</c>.</param>
    /// <param name="cancellationToken">Cancels the whole fetch.</param>
    public async ValueTask<GraphResource?> FetchAsync(string tenant, string resource, CancellationToken cancellationToken)
    {
        var url = Resolve(resource) ?? throw new ArgumentException("resource must be a relative Graph path", nameof(resource));
        return await FetchAsync(tenant, url, cancellationToken);
    }

    /// <summary>
    /// <see cref="FetchAsync(string, string, CancellationToken)"/> for a URL <see cref="Resolve"/> returned: the adapter
    /// resolves each notification's resource while validating it and does not pay for parsing the URL twice.
    /// </summary>
    internal async ValueTask<GraphResource?> FetchAsync(string tenant, Uri url, CancellationToken cancellationToken)
    {
        var token = accessToken is null ? null : await accessToken(tenant, cancellationToken);

        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.url);
                    // Added as text: the typed header values are parsed and allocated per request for the same two strings.
                    request.Headers.TryAddWithoutValidation("Accept", "application/json");
                    if (state.token is not null)
                    {
                        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + state.token);
                    }

                    var r = await state.http.SendAsync(request, ct);
                    // Buffer inside the attempt so the per-attempt timeout also covers reading the body.
                    await r.Content.LoadIntoBufferAsync(ct);
                    return r;
                },
                (http, url, token),
                cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            throw new TransientSourceException("Graph fetch circuit is open; the record will be retried", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TransientSourceException("Graph fetch timed out on every attempt", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientSourceException($"Graph fetch failed: {e.HttpRequestError}", e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                // 5xx/429 after the last retry, and 401/403 (token or consent problems an operator can fix): retry the record later.
                throw new TransientSourceException($"Graph answered {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} for the resource");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return Parse(body);
        }
    }

    /// <summary>
    /// The absolute URL of <paramref name="resource"/> under the Graph base URL, or null when the path would leave it
    /// (absolute URLs, scheme-like prefixes, dot segments): the path comes from a request body and must not steer the fetch.
    /// </summary>
    public Uri? Resolve(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var path = resource.TrimStart('/');
        // "%2e" holds none of the separators, so it is in some segment exactly when it is in the path.
        if (path.Length == 0 || path.Contains('\\', StringComparison.Ordinal) || HasControl(path) || HasDotSegment(path) ||
            path.Contains("%2e", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path.AsSpan() : path.AsSpan(0, slash);
        if (first.Contains(':'))
        {
            return null;
        }

        return Uri.TryCreate(baseText + path, UriKind.Absolute, out var url) &&
            url.AbsoluteUri.StartsWith(baseText, StringComparison.Ordinal)
            ? url
            : null;
    }

    private static bool HasControl(string path)
    {
        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    // A "." or ".." segment between '/', '?' or '#' (or the ends). Scanned in place: every notification is resolved.
    private static bool HasDotSegment(string path)
    {
        var rest = path.AsSpan();
        while (true)
        {
            var end = rest.IndexOfAny('/', '?', '#');
            var segment = end < 0 ? rest : rest[..end];
            if (segment is "." or "..")
            {
                return true;
            }

            if (end < 0)
            {
                return false;
            }

            rest = rest[(end + 1)..];
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static GraphResource Parse(byte[] body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            // Not the notification's fault: a broken proxy or an outage page. Retry the record.
            throw new TransientSourceException("Graph answered with a body that is not JSON", e);
        }

        using (doc)
        {
            var fields = new FieldDictionary<string>();
            DateTimeOffset? lastModified = null;
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        fields.Set(p.Name, p.Value.GetString()!);
                    }
                    else if (p.Value.ValueKind == JsonValueKind.Number)
                    {
                        fields.Set(p.Name, p.Value.GetRawText());
                    }
                }

                // Graph writes RFC 3339 in UTC; the general parse stays the rule for anything else.
                if (fields.TryGetValue("lastModifiedDateTime", out var lm) &&
                    (Timestamps.TryParseRfc3339(lm, out var t) ||
                     DateTimeOffset.TryParse(lm, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t)))
                {
                    lastModified = t.ToUniversalTime();
                }
            }

            return new GraphResource(fields, lastModified);
        }
    }
}
