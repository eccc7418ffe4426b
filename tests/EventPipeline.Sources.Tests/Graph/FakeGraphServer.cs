using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPipeline.Sources.Tests.Graph;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) standing in for the Graph API. Each request is answered by
/// <see cref="Respond"/>, which gets the 1-based request number, so tests script sequences (timeout, then success...).
/// </summary>
public sealed class FakeGraphServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private FakeGraphServer(WebApplication app) => this.app = app;

    /// <summary>Scripted answer: (request number, context) → writes the response.</summary>
    public Func<int, HttpContext, Task> Respond { get; set; } = (_, c) => Json(c, "{}");

    /// <summary>How many requests reached the server.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Request paths and Authorization headers, in arrival order.</summary>
    public ConcurrentQueue<(string Path, string? Authorization)> Seen { get; } = new();

    /// <summary>Base URL to configure as <see cref="SourceDependencies.GraphBaseUrl"/>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeGraphServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeGraphServer(app);
        app.Run(async context =>
        {
            var n = Interlocked.Increment(ref server.requests);
            server.Seen.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers.Authorization.FirstOrDefault()));
            await server.Respond(n, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1.0/");
        return server;
    }

    public static async Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
