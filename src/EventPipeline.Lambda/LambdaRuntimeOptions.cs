using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EventPipeline.Lambda;

/// <summary>Settings for <see cref="LambdaRuntime"/>; every member is optional.</summary>
public sealed class LambdaRuntimeOptions
{
    /// <summary>
    /// Base address of the Runtime API (scheme, host and port, e.g. <c>http://127.0.0.1:9001</c>); the version path
    /// <c>2018-06-01/</c> is appended unless the address already ends with it. Default: <c>http://</c> + the <c>AWS_LAMBDA_RUNTIME_API</c> environment variable.
    /// </summary>
    public Uri? RuntimeApi { get; init; }

    /// <summary>Client for the Runtime API. Default: a client owned by the loop, with no timeout (the next-invocation call blocks while idle).</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Stop (exit code 0) after this many invocations; null runs until cancelled.</summary>
    public int? MaxInvocations { get; init; }

    /// <summary>The context's function name. Default: <c>AWS_LAMBDA_FUNCTION_NAME</c>, else the name in the invoked ARN.</summary>
    public string? FunctionName { get; init; }
}
