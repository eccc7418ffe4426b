using System.Text.Json;
using EventPipeline.Sources;

namespace EventPipeline.Webhook.Tests;

/// <summary>Copy of EventPipeline.Sources.Tests' sample loader (test projects do not reference each other).
/// A sample payload under events/sources/&lt;source&gt;/: <c>&lt;case&gt;.body</c> holds the raw body byte-exact;
/// <c>&lt;case&gt;.json</c> holds the request metadata and what the adapter must produce:
/// <code>
/// { "description": "...", "headers": { "x-github-event": "issues" }, "url": "optional, for URL-signed sources",
///   "expect": { "eventIds": ["..."], "types": ["..."], "entities": ["issue/1"], "measures": {"amount": 12.5} } }
/// or "expect": { "rejected": "field.name" }
/// </code>
/// Signature headers are not stored: tests and the CLI sign with the source's <see cref="IWebhookSigner"/>.
/// </summary>
public sealed record WebhookSampleCase(string Source, string Name, byte[] Body, IReadOnlyDictionary<string, string> Headers, string? Url, JsonElement Expect)
{
    public override string ToString() => $"{Source}/{Name}";

    public IngestEnvelope ToEnvelope(string tenant, DateTimeOffset receivedAt) =>
        new(tenant, Source, receivedAt, Headers, System.Text.Encoding.UTF8.GetString(Body)) { Url = Url };
}

public static class WebhookSamples
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventPipeline.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "events", "sources");
        }
    }

    public static IEnumerable<WebhookSampleCase> All() =>
        Directory.EnumerateDirectories(Root).OrderBy(d => d, StringComparer.Ordinal).SelectMany(d => For(Path.GetFileName(d)));

    public static IEnumerable<WebhookSampleCase> For(string source)
    {
        var dir = Path.Combine(Root, source);
        if (!Directory.Exists(dir))
        {
            yield break;
        }

        foreach (var meta in Directory.EnumerateFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(meta);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(meta));
            var root = doc.RootElement;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var h))
            {
                foreach (var p in h.EnumerateObject())
                {
                    headers[p.Name.ToLowerInvariant()] = p.Value.GetString() ?? "";
                }
            }

            var url = root.TryGetProperty("url", out var u) ? u.GetString() : null;
            var body = File.ReadAllBytes(Path.Combine(dir, name + ".body"));
            yield return new WebhookSampleCase(source, name, body, headers, url, root.GetProperty("expect").Clone());
        }
    }
}
