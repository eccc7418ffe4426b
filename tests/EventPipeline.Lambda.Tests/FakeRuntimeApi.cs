using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Lambda.Tests;

/// <summary>One invocation the fake hands out on GET /next.</summary>
public sealed record FakeInvocation(string RequestId, string Payload, long DeadlineMs, string FunctionArn, string? TraceId);

/// <summary>What the runtime posted: kind is "response", "error" or "init-error".</summary>
public sealed record Posted(string Kind, string? RequestId, string Body, string? ErrorType, string? ContentType);

/// <summary>
/// The documented Lambda Runtime API (2018-06-01) on Kestrel at 127.0.0.1:&lt;ephemeral&gt;: GET /runtime/invocation/next,
/// POST /runtime/invocation/{id}/response|error (202, or 400 for an id it never handed out), POST /runtime/init/error.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeInvocation> _queue = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, bool> _issued = new();
    private readonly ConcurrentQueue<Posted> _posts = new();
    private int _nextCalls;

    private FakeRuntimeApi(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<Posted> Posts => [.. _posts];

    public int NextCalls => Volatile.Read(ref _nextCalls);

    public void Enqueue(FakeInvocation invocation) => _queue.Writer.TryWrite(invocation);

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeRuntimeApi(app);

        app.MapGet("/2018-06-01/runtime/invocation/next", fake.NextAsync);
        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", (HttpContext c, string id) => fake.RecordAsync(c, "response", id));
        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", (HttpContext c, string id) => fake.RecordAsync(c, "error", id));
        app.MapPost("/2018-06-01/runtime/init/error", (HttpContext c) => fake.RecordAsync(c, "init-error", null));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address);
        return fake;
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        var invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
        _issued[invocation.RequestId] = true;
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = invocation.DeadlineMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.FunctionArn;
        if (invocation.TraceId is not null)
        {
            headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.Payload);
    }

    private async Task RecordAsync(HttpContext context, string kind, string? id)
    {
        if (id is not null && !_issued.ContainsKey(id))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($$"""{"errorMessage":"unknown request id {{id}}","errorType":"InvalidRequestID"}""");
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var errorType = context.Request.Headers.TryGetValue("Lambda-Runtime-Function-Error-Type", out var v) ? v.ToString() : null;
        _posts.Enqueue(new Posted(kind, id, body, errorType, context.Request.ContentType));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
