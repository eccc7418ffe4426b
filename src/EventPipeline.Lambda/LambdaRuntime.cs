using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EventPipeline.Lambda;

/// <summary>
/// The custom-runtime loop (provided.al2023): fetch the next invocation from the Lambda Runtime API, run the handler, post
/// its result or error. See docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
/// </summary>
public static class LambdaRuntime
{
    /// <summary>Header names and paths of Runtime API version 2018-06-01.</summary>
    internal const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    internal const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    internal const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    internal const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    internal const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    internal const string TraceIdEnvironmentVariable = "_X_AMZN_TRACE_ID";
    internal const string RuntimeApiEnvironmentVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Exit code when the handler could not be built (after posting to /runtime/init/error).</summary>
    public const int InitFailedExitCode = 1;

    /// <summary>Exit code when the Runtime API is missing, unreachable or answers with a container error.</summary>
    public const int RuntimeApiFailedExitCode = 2;

    /// <summary>
    /// Runs the loop against the Runtime API named by <c>AWS_LAMBDA_RUNTIME_API</c> until <paramref name="ct"/> is cancelled.
    /// Use as the whole body of a function's <c>Main</c>: <c>return await LambdaRuntime.RunAsync(init, ctx.In, ctx.Out);</c>
    /// </summary>
    /// <param name="init">Builds the handler once per cold start (the composition root). If it throws, the error is posted to /runtime/init/error.</param>
    /// <param name="input">Source-generated metadata that reads the invocation payload.</param>
    /// <param name="output">Source-generated metadata that writes the handler's result.</param>
    /// <param name="ct">Stops the loop; the exit code is then 0.</param>
    /// <returns>The process exit code: 0 when stopped, <see cref="InitFailedExitCode"/> or <see cref="RuntimeApiFailedExitCode"/> otherwise.</returns>
    public static Task<int> RunAsync<TIn, TOut>(
        Func<CancellationToken, Task<LambdaHandler<TIn, TOut>>> init,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        CancellationToken ct = default) =>
        RunAsync(init, input, output, new LambdaRuntimeOptions(), ct);

    /// <summary>
    /// Runs the loop with an explicit Runtime API address, client and invocation bound (tests, local harnesses).
    /// </summary>
    /// <param name="init">Builds the handler once per cold start (the composition root). If it throws, the error is posted to /runtime/init/error.</param>
    /// <param name="input">Source-generated metadata that reads the invocation payload.</param>
    /// <param name="output">Source-generated metadata that writes the handler's result.</param>
    /// <param name="options">Where the Runtime API is and how long to run.</param>
    /// <param name="ct">Stops the loop; the exit code is then 0.</param>
    /// <returns>The process exit code: 0 when stopped or after MaxInvocations, <see cref="InitFailedExitCode"/> or <see cref="RuntimeApiFailedExitCode"/> otherwise.</returns>
    public static async Task<int> RunAsync<TIn, TOut>(
        Func<CancellationToken, Task<LambdaHandler<TIn, TOut>>> init,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        LambdaRuntimeOptions options,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxInvocations is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxInvocations, "MaxInvocations must be null or at least 0.");
        }

        // The runtime's own diagnostics go to stderr so they never mix with a handler's structured stdout lines.
        var log = new LambdaLog(Console.Error, LambdaLogLevel.Information);
        var apiBase = ResolveApiBase(options.RuntimeApi);
        if (apiBase is null)
        {
            log.Error($"{RuntimeApiEnvironmentVariable} is not set; expected host:port of the Lambda Runtime API.");
            return RuntimeApiFailedExitCode;
        }

        var ownsClient = options.HttpClient is null;
        var http = options.HttpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var loop = new Loop<TIn, TOut>(http, apiBase, input, output, options.FunctionName, log);
            return await loop.RunAsync(init, options.MaxInvocations, ct);
        }
        finally
        {
            if (ownsClient)
            {
                http.Dispose();
            }
        }
    }

    private static Uri? ResolveApiBase(Uri? configured)
    {
        if (configured is null)
        {
            var hostPort = Environment.GetEnvironmentVariable(RuntimeApiEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(hostPort))
            {
                return null;
            }

            configured = new Uri("http://" + hostPort.Trim());
        }

        // Accept both http://host:port and http://host:port/2018-06-01 as the base address.
        var text = configured.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return text.EndsWith("/2018-06-01", StringComparison.Ordinal) ? new Uri(text + "/") : new Uri(text + "/2018-06-01/");
    }

    /// <summary>One loop's state: reused buffers so a warm invocation allocates little beyond the payloads themselves.</summary>
    private sealed class Loop<TIn, TOut>(
        HttpClient http,
        Uri apiBase,
        JsonTypeInfo<TIn> input,
        JsonTypeInfo<TOut> output,
        string? functionName,
        LambdaLog log) : IDisposable
    {
        private readonly Uri _next = new(apiBase, "runtime/invocation/next");
        private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
        private Utf8JsonWriter? _writer;

        public async Task<int> RunAsync(Func<CancellationToken, Task<LambdaHandler<TIn, TOut>>> init, int? maxInvocations, CancellationToken ct)
        {
            LambdaHandler<TIn, TOut> handler;
            try
            {
                handler = await init(ct) ?? throw new InvalidOperationException("init returned a null handler.");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
#pragma warning disable CA1031 // Any init failure must be reported to Lambda, whatever its type.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                log.Error("Function initialization failed.", ex);
                await TryPostErrorAsync(new Uri(apiBase, "runtime/init/error"), ex, "Runtime", requestId: null, ct);
                return InitFailedExitCode;
            }

            try
            {
                for (var done = 0; maxInvocations is null || done < maxInvocations; done++)
                {
                    if (!await InvokeOnceAsync(handler, ct))
                    {
                        return RuntimeApiFailedExitCode;
                    }
                }

                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
        }

        public void Dispose() => _writer?.Dispose();

        /// <summary>Handles one invocation; false when the Runtime API itself failed and the process should exit.</summary>
        private async Task<bool> InvokeOnceAsync(LambdaHandler<TIn, TOut> handler, CancellationToken ct)
        {
            HttpResponseMessage next;
            try
            {
                next = await http.GetAsync(_next, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (HttpRequestException ex)
            {
                log.Error("GET /runtime/invocation/next failed.", ex);
                return false;
            }

            using (next)
            {
                if (!next.IsSuccessStatusCode)
                {
                    log.Error($"GET /runtime/invocation/next answered {(int)next.StatusCode}; expected 200.");
                    return false;
                }

                var requestId = Header(next, RequestIdHeader);
                if (string.IsNullOrEmpty(requestId))
                {
                    log.Error($"The next invocation has no {RequestIdHeader} header; cannot answer it.");
                    return false;
                }

                var context = BuildContext(next, requestId);
                // Documented contract: the runtime exposes the invocation's X-Ray header to SDKs through this variable.
                Environment.SetEnvironmentVariable(TraceIdEnvironmentVariable, context.TraceId);

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var remaining = context.RemainingTime;
                if (remaining <= TimeSpan.Zero)
                {
                    // Already past the deadline: the handler sees a cancelled token at once.
                    await deadline.CancelAsync();
                }
                else
                {
                    deadline.CancelAfter(Clamp(remaining));
                }

                string category = "Runtime";
                try
                {
                    TIn payload;
                    await using (var body = await next.Content.ReadAsStreamAsync(ct))
                    {
                        payload = await JsonSerializer.DeserializeAsync(body, input, ct)
                            ?? throw new JsonException($"The invocation payload is null; expected a JSON value for {typeof(TIn).Name}.");
                    }

                    category = "Function";
                    var result = await handler(payload, context, deadline.Token);
                    category = "Runtime";
                    Serialize(result);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // A failed invocation is reported to Lambda and the loop goes on to the next one.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    log.WithRequestId(requestId).Error("Invocation failed.", ex);
                    return await TryPostErrorAsync(new Uri(apiBase, $"runtime/invocation/{Uri.EscapeDataString(requestId)}/error"), ex, category, requestId, ct);
                }

                return await PostAsync(new Uri(apiBase, $"runtime/invocation/{Uri.EscapeDataString(requestId)}/response"), errorType: null, requestId, ct);
            }
        }

        private LambdaContext BuildContext(HttpResponseMessage next, string requestId)
        {
            var arn = Header(next, FunctionArnHeader) ?? "";
            var deadlineMs = Header(next, DeadlineHeader);
            var deadline = long.TryParse(deadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                // Lambda always sends it; a harness that does not gets Lambda's maximum timeout rather than no deadline.
                : DateTimeOffset.UtcNow.AddMinutes(15);
            var traceId = Header(next, TraceIdHeader);
            var name = functionName
                ?? Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME")
                ?? FunctionNameFromArn(arn);
            return new LambdaContext(requestId, arn, deadline, string.IsNullOrEmpty(traceId) ? null : traceId, name);
        }

        private void Serialize(TOut result)
        {
            _buffer.ResetWrittenCount();
            if (_writer is null)
            {
                _writer = new Utf8JsonWriter(_buffer);
            }
            else
            {
                _writer.Reset(_buffer);
            }

            JsonSerializer.Serialize(_writer, result, output);
            _writer.Flush();
        }

        private void SerializeError(Exception ex)
        {
            _buffer.ResetWrittenCount();
            using var w = new Utf8JsonWriter(_buffer);
            w.WriteStartObject();
            w.WriteString("errorMessage", ex.Message);
            w.WriteString("errorType", ex.GetType().Name);
            w.WriteStartArray("stackTrace");
            foreach (var line in StackLines(ex))
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        private async Task<bool> TryPostErrorAsync(Uri uri, Exception ex, string category, string? requestId, CancellationToken ct)
        {
            SerializeError(ex);
            // Lambda accepts any string here and recommends <category>.<reason>.
            return await PostAsync(uri, $"{category}.{ex.GetType().Name}", requestId, ct);
        }

        /// <summary>Posts the buffer's JSON; false only for a container error (5xx) or an unreachable API.</summary>
        private async Task<bool> PostAsync(Uri uri, string? errorType, string? requestId, CancellationToken ct)
        {
            using var content = new ReadOnlyMemoryContent(_buffer.WrittenMemory);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            if (errorType is not null)
            {
                request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
            }

            try
            {
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                // 413 (payload too large) and other 4xx concern this invocation only; 5xx means the environment is gone.
                log.WithRequestId(requestId).Error($"POST {uri.AbsolutePath} answered {(int)response.StatusCode}.");
                return response.StatusCode < HttpStatusCode.InternalServerError;
            }
            catch (HttpRequestException ex)
            {
                log.WithRequestId(requestId).Error($"POST {uri.AbsolutePath} failed.", ex);
                return false;
            }
        }

        private static string? Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        private static TimeSpan Clamp(TimeSpan remaining)
        {
            // CancelAfter accepts at most int.MaxValue milliseconds.
            var max = TimeSpan.FromMilliseconds(int.MaxValue - 1);
            return remaining > max ? max : remaining;
        }
    }

    internal static string FunctionNameFromArn(string arn)
    {
        // arn:aws:lambda:region:account:function:name[:qualifier]
        var parts = arn.Split(':');
        return parts.Length >= 7 && parts[5] == "function" ? parts[6] : "";
    }

    internal static IEnumerable<string> StackLines(Exception ex)
    {
        if (ex.StackTrace is not { } trace)
        {
            yield break;
        }

        foreach (var line in trace.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                yield return trimmed;
            }
        }
    }
}
