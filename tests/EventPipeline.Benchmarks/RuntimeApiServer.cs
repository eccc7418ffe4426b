using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Benchmarks;

/// <summary>What the function posted for one invocation it was handed.</summary>
/// <param name="Path">The path posted to (…/response, …/error or /runtime/init/error).</param>
/// <param name="Body">The posted JSON.</param>
/// <param name="At">Stopwatch timestamp when the post arrived.</param>
/// <param name="NextAt">Stopwatch timestamp when the process asked for this invocation (for the first: init done).</param>
internal sealed record RuntimePost(string Path, string Body, long At, long NextAt);

/// <summary>
/// A local Lambda Runtime API (version 2018-06-01) that hands out a fixed sequence of invocations and records each answer.
/// The GET /next after the last one is held open (like Lambda freezing an idle environment) so the process stays alive
/// for inspection (peak RSS) until the harness kills it.
/// </summary>
internal sealed class RuntimeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<IReadOnlyList<RuntimePost>> _done = NewDone();
    private IReadOnlyList<byte[]> _payloads = [];
    private readonly List<RuntimePost> _posts = [];
    private int _handedOut;
    private long _nextAt;
    private string _requestId = "";

    private RuntimeApiServer(WebApplication app) => _app = app;

    /// <summary>host:port, the value of AWS_LAMBDA_RUNTIME_API.</summary>
    public string HostPort { get; private set; } = "";

    public static async Task<RuntimeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new RuntimeApiServer(app);
        app.MapGet("/2018-06-01/runtime/invocation/next", server.NextAsync);
        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", ctx => server.RecordAsync(ctx));
        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", ctx => server.RecordAsync(ctx));
        app.MapPost("/2018-06-01/runtime/init/error", ctx => server.RecordAsync(ctx));
        // A stand-in SQS (JSON protocol) for the dead-letter queue, reached through AWS_ENDPOINT_URL_SQS.
        app.MapPost("/", server.SqsAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.HostPort = new Uri(address).Authority;
        return server;
    }

    /// <summary>Arms the server with the next process's one invocation; returns the task that completes when the function answers.</summary>
    public async Task<RuntimePost> Arm(byte[] payload) => (await Arm([payload]))[0];

    /// <summary>
    /// Arms the server with the next process's invocations, handed out in order; the task completes when the function has
    /// answered them all (or with what it answered when it posts an init error).
    /// </summary>
    public Task<IReadOnlyList<RuntimePost>> Arm(IReadOnlyList<byte[]> payloads)
    {
        lock (_gate)
        {
            _payloads = payloads;
            _posts.Clear();
            _handedOut = 0;
            _done = NewDone();
            return _done.Task;
        }
    }

    private async Task NextAsync(HttpContext ctx)
    {
        var at = Stopwatch.GetTimestamp();
        byte[] payload;
        lock (_gate)
        {
            if (_handedOut >= _payloads.Count || _posts.Count < _handedOut)
            {
                payload = [];
            }
            else
            {
                payload = _payloads[_handedOut++];
                _nextAt = at;
                _requestId = Guid.NewGuid().ToString();
            }
        }

        if (payload.Length == 0)
        {
            // Nothing (more) to hand this process: hold the call until the harness is done with it.
            try
            {
                using var held = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
                await Task.Delay(Timeout.Infinite, held.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        ctx.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = _requestId;
        ctx.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:000000000000:function:ingest-bench";
        ctx.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-000000000000000000000000;Sampled=0";
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = payload.Length;
        await ctx.Response.Body.WriteAsync(payload);
    }

    private async Task RecordAsync(HttpContext ctx)
    {
        var at = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        ctx.Response.StatusCode = StatusCodes.Status202Accepted;
        lock (_gate)
        {
            _posts.Add(new RuntimePost(ctx.Request.Path, body, at, _nextAt));
            if (_posts.Count == _payloads.Count || !ctx.Request.Path.Value!.Contains("/invocation/", StringComparison.Ordinal))
            {
                _done.TrySetResult([.. _posts]);
            }
        }
    }

    /// <summary>Messages the function sent to the dead-letter queue.</summary>
    public int DeadLetters => Volatile.Read(ref _deadLetters);

    private int _deadLetters;

    private async Task SqsAsync(HttpContext ctx)
    {
        var target = ctx.Request.Headers["X-Amz-Target"].ToString();
        using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
        ctx.Response.ContentType = "application/x-amz-json-1.0";
        await using var w = new Utf8JsonWriter(ctx.Response.Body);
        w.WriteStartObject();
        if (target.EndsWith(".SendMessageBatch", StringComparison.Ordinal))
        {
            w.WriteStartArray("Successful");
            foreach (var entry in doc.RootElement.GetProperty("Entries").EnumerateArray())
            {
                Interlocked.Increment(ref _deadLetters);
                w.WriteStartObject();
                w.WriteString("Id", entry.GetProperty("Id").GetString());
                w.WriteString("MessageId", Guid.NewGuid().ToString());
                w.WriteString("MD5OfMessageBody", Md5(entry.GetProperty("MessageBody").GetString()));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("Failed");
            w.WriteEndArray();
        }
        else if (target.EndsWith(".SendMessage", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _deadLetters);
            w.WriteString("MessageId", Guid.NewGuid().ToString());
            w.WriteString("MD5OfMessageBody", Md5(doc.RootElement.GetProperty("MessageBody").GetString()));
        }
        else
        {
            ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
            w.WriteString("__type", "com.amazonaws.sqs#InvalidAction");
            w.WriteString("message", $"the benchmark's SQS stand-in does not serve {target}");
        }

        w.WriteEndObject();
    }

#pragma warning disable CA5351 // MD5 is what SQS returns for body integrity checks; not a security use.
    private static string Md5(string? text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text ?? "")));
#pragma warning restore CA5351

    private static TaskCompletionSource<IReadOnlyList<RuntimePost>> NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
