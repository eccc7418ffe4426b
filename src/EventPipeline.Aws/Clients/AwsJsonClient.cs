using System.Buffers;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// One AWS service endpoint called over SigV4-signed HTTP: the JSON 1.0/1.1 protocols (<c>POST /</c> with
/// <c>X-Amz-Target</c>) and REST-JSON (method + path); a Query-protocol call (form body, XML answer) goes through
/// <see cref="SendRestAsync"/>. Maps error bodies (JSON, or the Query protocol's XML <c>&lt;Error&gt;</c>) to
/// <see cref="AwsServiceException"/> and retries throttling, 5xx and transport errors with bounded exponential
/// backoff and full jitter.
/// </summary>
/// <remarks>
/// The typed clients (<see cref="KinesisClient"/>, the local stack's DynamoDB Streams client, ...) each own one. Share one
/// <see cref="HttpClient"/> from <see cref="CreateHttpClient()"/> between them so connections are pooled per process.
/// Bodies are written with <see cref="Utf8JsonWriter"/> and read as <see cref="JsonElement"/>: no reflection, AOT-safe.
/// </remarks>
public sealed class AwsJsonClient : IDisposable
{
    /// <summary>Content type of the JSON 1.0 protocol (DynamoDB, DynamoDB Streams, Step Functions).</summary>
    public const string Json10 = "application/x-amz-json-1.0";

    /// <summary>Content type of the JSON 1.1 protocol (Kinesis).</summary>
    public const string Json11 = "application/x-amz-json-1.1";

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private readonly Uri _endpoint;
    private readonly string _signingName;
    private readonly string _region;
    private readonly AwsRetryOptions _retry;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly AWSCredentials? _configuredCredentials;
    private DefaultAWSCredentialsIdentityResolver? _resolver;
    private AWSCredentials? _resolvedCredentials;
    private SigningKeyCache? _keyCache;

    /// <summary>Creates a client for one service endpoint.</summary>
    /// <param name="endpoint">Base URI; for REST calls its path (e.g. the API stage) prefixes every request path.</param>
    /// <param name="signingName">SigV4 service name: <c>kinesis</c>, <c>dynamodb</c> (also for Streams), <c>execute-api</c>, <c>states</c>.</param>
    /// <param name="config">Region, credentials and retry policy.</param>
    /// <param name="httpClient">A shared client (not disposed here); null creates and owns one.</param>
    /// <param name="timeProvider">Clock for X-Amz-Date and backoff waits.</param>
    public AwsJsonClient(Uri endpoint, string signingName, AwsEndpoints config, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(signingName);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Retry.MaxAttempts < 1)
        {
            throw new ArgumentException($"{nameof(AwsRetryOptions.MaxAttempts)} must be at least 1, got {config.Retry.MaxAttempts}.", nameof(config));
        }

        _endpoint = endpoint;
        _signingName = signingName;
        _region = config.Region;
        _retry = config.Retry;
        _configuredCredentials = config.Credentials;
        _time = timeProvider ?? TimeProvider.System;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? CreateHttpClient();
    }

    /// <summary>The base endpoint this client calls.</summary>
    public Uri Endpoint => _endpoint;

    /// <summary>A pooled client: connections are reused and recycled every few minutes so DNS changes are seen.</summary>
    public static HttpClient CreateHttpClient() => CreateHttpClient(TimeSpan.FromSeconds(30));

    /// <summary>A pooled client as <see cref="CreateHttpClient()"/> makes, whose requests time out after <paramref name="timeout"/>.</summary>
    public static HttpClient CreateHttpClient(TimeSpan timeout)
    {
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
#pragma warning restore CA2000
    }

    /// <summary>
    /// Calls a JSON 1.0/1.1 operation: <c>POST /</c>, <c>X-Amz-Target: {target}</c>, body written by <paramref name="writeBody"/>,
    /// response object handed to <paramref name="readResponse"/> (<c>{}</c> when the body is empty).
    /// </summary>
    public async Task<T> SendJsonAsync<T>(string contentType, string target, Action<Utf8JsonWriter> writeBody, Func<JsonElement, T> readResponse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        ArgumentNullException.ThrowIfNull(readResponse);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writeBody(writer);
        }

        var response = await SendAsync(HttpMethod.Post, _endpoint, buffer.WrittenMemory, contentType, target, cancellationToken);
        using var document = JsonDocument.Parse(response.Body.Length == 0 ? EmptyObject : response.Body);
        return readResponse(document.RootElement);
    }

    /// <summary>
    /// Calls a REST operation at <c>{endpoint path}{relativePath}</c>; <paramref name="relativePath"/> must already be
    /// percent-encoded as it should appear on the wire.
    /// </summary>
    public Task<AwsResponse> SendRestAsync(HttpMethod method, string relativePath, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var basePath = _endpoint.AbsolutePath.TrimEnd('/');
        var uri = new Uri(_endpoint.GetLeftPart(UriPartial.Authority) + basePath + relativePath);
        return SendAsync(method, uri, body, contentType, target: null, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _resolver?.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<AwsResponse> SendAsync(HttpMethod method, Uri uri, ReadOnlyMemory<byte> body, string? contentType, string? target, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var credentials = await ResolveCredentialsAsync(cancellationToken);
            using var request = BuildSignedRequest(method, uri, body, contentType, target, credentials);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    return new AwsResponse(status, bytes);
                }

                var error = MapError(response, bytes);
                if (!error.IsRetryable || attempt >= _retry.MaxAttempts)
                {
                    throw error;
                }
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && attempt < _retry.MaxAttempts)
            {
                // Connection reset, DNS, client timeout: the request may or may not have landed; callers are at-least-once.
            }

            await Task.Delay(BackoffDelay(attempt), _time, cancellationToken);
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private TimeSpan BackoffDelay(int attempt)
    {
        var cap = Math.Min(_retry.MaxDelay.TotalMilliseconds, _retry.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
#pragma warning disable CA5394 // Jitter spreads retries out; it needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
#pragma warning restore CA5394
    }

    private HttpRequestMessage BuildSignedRequest(HttpMethod method, Uri uri, ReadOnlyMemory<byte> body, string? contentType, string? target, SigV4Credentials credentials)
    {
        var signed = new List<KeyValuePair<string, string>>(2);
        var request = new HttpRequestMessage(method, uri);
        if (contentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            // Added without validation so the bytes sent are exactly the value signed (no charset appended).
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            signed.Add(new("content-type", contentType));
        }

        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            signed.Add(new("x-amz-target", target));
        }

        var now = _time.GetUtcNow();
        var dateStamp = now.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var key = SigningKey(credentials.SecretAccessKey, dateStamp);
        var signature = SigV4Signer.Sign(method.Method, uri, signed, body.Span, credentials, _region, _signingName, now, key);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return request;
    }

    // The derived key only changes with the secret and the UTC day, so four HMACs per request become zero.
    private byte[] SigningKey(string secret, string dateStamp)
    {
        var cache = _keyCache;
        if (cache is not null && cache.Date == dateStamp && string.Equals(cache.Secret, secret, StringComparison.Ordinal))
        {
            return cache.Key;
        }

        var key = SigV4Signer.DeriveSigningKey(secret, dateStamp, _region, _signingName);
        _keyCache = new SigningKeyCache(secret, dateStamp, key);
        return key;
    }

    private async ValueTask<SigV4Credentials> ResolveCredentialsAsync(CancellationToken cancellationToken)
    {
        var provider = _configuredCredentials ?? _resolvedCredentials;
        if (provider is null)
        {
            var resolver = LazyInitializer.EnsureInitialized(ref _resolver);
            provider = _resolvedCredentials = await resolver.ResolveIdentityAsync(null!, cancellationToken);
        }

        // Refreshing providers (role, container, web identity) renew here before expiry.
        var credentials = await provider.GetCredentialsAsync();
        return new SigV4Credentials(credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null);
    }

    /// <summary>
    /// Reads <c>__type</c>/<c>code</c> and <c>message</c> from a JSON error body, <c>x-amzn-ErrorType</c> for REST, or
    /// <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;</c> from a Query-protocol XML body (SNS, SQS's old protocol, STS).
    /// </summary>
    internal static AwsServiceException MapError(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        string? code = null;
        string? message = null;
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            code = values.FirstOrDefault();
        }

        if (body.Length > 0 && FirstNonSpace(body) == (byte)'<')
        {
            (code, message) = ReadXmlError(body, code);
        }
        else if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            continue;
                        }

                        if (property.NameEquals("__type") || property.Name.Equals("code", StringComparison.OrdinalIgnoreCase))
                        {
                            code ??= property.Value.GetString();
                        }
                        else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase) || property.NameEquals("errorMessage"))
                        {
                            message ??= property.Value.GetString();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, say): keep the status as the error.
            }
        }

        return new AwsServiceException(status, NormalizeErrorCode(code) ?? FallbackCode(status), message ?? response.ReasonPhrase ?? "no message");
    }

    private static byte FirstNonSpace(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return b;
            }
        }

        return 0;
    }

    // <ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>…</Message></Error>…</ErrorResponse>
    private static (string? Code, string? Message) ReadXmlError(byte[] body, string? headerCode)
    {
        string? code = headerCode;
        string? message = null;
        try
        {
            using var reader = System.Xml.XmlReader.Create(new MemoryStream(body), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null });
            reader.MoveToContent();
            while (!reader.EOF)
            {
                // ReadElementContentAsString leaves the reader on the next node already, so it must not Read() again.
                if (reader.NodeType == System.Xml.XmlNodeType.Element && reader.LocalName is "Code" or "Message")
                {
                    var isCode = reader.LocalName == "Code";
                    var text = reader.ReadElementContentAsString();
                    if (isCode)
                    {
                        code ??= text;
                    }
                    else
                    {
                        message ??= text;
                    }
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (System.Xml.XmlException)
        {
            // Not XML after all (an HTML error page, say): keep the status as the error.
        }

        return (code, message);
    }

    // "com.amazonaws.kinesis.v20131202#ResourceNotFoundException" and "GoneException:http://..." both name GoneException-style codes.
    private static string? NormalizeErrorCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return (colon >= 0 ? code[..colon] : code).Trim();
    }

    private static string FallbackCode(int status) => status switch
    {
        410 => "GoneException",
        429 => "TooManyRequestsException",
        _ => $"Http{status}",
    };

    // A class, not a record: a record's generated ToString would print the secret.
    private sealed class SigningKeyCache(string secret, string date, byte[] key)
    {
        public string Secret { get; } = secret;

        public string Date { get; } = date;

        public byte[] Key { get; } = key;
    }
}
