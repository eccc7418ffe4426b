using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local;

/// <summary>Serves the dashboard's static files (src/EventPipeline.Local/wwwroot) at the gateway's root.</summary>
public static class LocalDashboard
{
    /// <summary>Maps <c>/</c> and <c>/dashboard/*</c>.</summary>
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
        app.MapGet("/dashboard/{**file}", (string file) =>
        {
            var full = Path.GetFullPath(Path.Combine(root, file));
            if (!full.StartsWith(Path.GetFullPath(root), StringComparison.Ordinal) || !File.Exists(full))
            {
                return Results.NotFound();
            }

            var type = Path.GetExtension(full) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".html" => "text/html; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            return Results.File(full, type);
        });
    }
}
