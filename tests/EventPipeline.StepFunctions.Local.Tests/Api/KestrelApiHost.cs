using System.Collections.Concurrent;
using EventPipeline.StepFunctions.Local.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPipeline.StepFunctions.Local.Tests.Api;

/// <summary>
/// <see cref="StepFunctionsApi"/> behind Kestrel on a loopback port, the way the local AWS endpoint mounts it:
/// <c>POST /</c>, target from <c>X-Amz-Target</c>, body as bytes. Records each request's Authorization header.
/// </summary>
internal sealed class KestrelApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApiHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<string> Authorizations { get; } = new();

    public static async Task<KestrelApiHost> StartAsync(StepFunctionsApi api)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        KestrelApiHost? host = null;
        app.MapPost("/", async (HttpContext context) =>
        {
            host!.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var answer = await api.HandleAsync(context.Request.Headers["X-Amz-Target"].ToString(), body.ToArray(), context.RequestAborted);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = StepFunctionsApi.ContentType;
            await context.Response.WriteAsync(answer.Json, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host = new KestrelApiHost(app, new Uri(address + "/"));
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
