using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local;

/// <summary>
/// Serves what a browser needs and no tenant data: the dashboard's static files (src/EventPipeline.Local/wwwroot) at
/// the gateway's root, the browser client library (src/eventpipeline-client) at <c>/client/</c>, and the API contract
/// (docs/api: OpenAPI and AsyncAPI) at <c>/docs/api/</c>. None needs a token.
/// </summary>
public static class LocalDashboard
{
    /// <summary>Where the client library is served.</summary>
    public const string ClientPath = "/client/eventpipeline-client.js";

    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/docs/api/openapi.json";

    /// <summary>Where the AsyncAPI document is served.</summary>
    public const string AsyncApiPath = "/docs/api/asyncapi.json";

    /// <summary>Maps <c>/</c>, <c>/dashboard/*</c>, <c>/client/*</c> and <c>/docs/api/*</c>.</summary>
    public static void Map(WebApplication app, string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            root = Path.Combine(repoRoot, "src", "EventPipeline.Local", "wwwroot");
        }

        app.MapGet("/", () => File.Exists(Path.Combine(root, "index.html"))
            ? Results.File(Path.Combine(root, "index.html"), "text/html; charset=utf-8")
            : Results.Text("EventPipeline local stack: see /endpoints.json and /metrics", "text/plain"));
        app.MapGet("/dashboard/{**file}", (string file) => FileUnder(root, file));
        app.MapGet("/client/{**file}", (string file) => FileUnder(Path.Combine(repoRoot, "src", "eventpipeline-client"), file));
        app.MapGet("/docs/api/{**file}", (string file) => FileUnder(Path.Combine(repoRoot, "docs", "api"), file));
    }

    /// <summary>A file of <paramref name="root"/> (never one outside it), or 404.</summary>
    private static IResult FileUnder(string root, string file)
    {
        var full = Path.GetFullPath(Path.Combine(root, file));
        if (!full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return Results.NotFound();
        }

        var type = Path.GetExtension(full) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".html" => "text/html; charset=utf-8",
            ".json" => "application/json; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.File(full, type);
    }
}
