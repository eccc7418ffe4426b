using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Sources;
using EventPipeline.Webhook;

using EventPipeline.Sources.Signing;

namespace EventPipeline.Local.Cli;

/// <summary><c>send &lt;source&gt; &lt;file&gt;</c>: posts one sample through the stack's webhook endpoint, signed like the provider.</summary>
internal static class SendCommand
{
    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var source = new Argument<string>("source") { Description = "Source name, e.g. github, stripe, graph (a folder under events/sources)" };
        var file = new Argument<string>("file") { Description = "A sample: a case name under events/sources/<source>/ (e.g. issues-opened) or a path to a .body file; its .json supplies the headers" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant in the webhook URL (default: the stack's demo tenant)" };
        var command = new Command("send", "Send one sample webhook to the running stack, signed with .eventpipeline/webhook-signing.json") { source, file, tenant };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var sample = Sample.Resolve(s.RepoRoot, parse.GetValue(source)!, parse.GetValue(file)!);
            var (status, body) = await SendAsync(s, http, sample, parse.GetValue(tenant) ?? s.Endpoints.DemoTenant, ct);
            await output.WriteLineAsync($"{status} {body}".TrimEnd());
            return status is >= 200 and < 300 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>Signs and posts <paramref name="sample"/>; returns the HTTP status and body.</summary>
    internal static async Task<(int Status, string Body)> SendAsync(CliStack stack, HttpClient http, Sample sample, string tenant, CancellationToken ct)
    {
        var sources = SourceCatalog.Create(new SourceDependencies());
        if (!sources.TryGetValue(sample.Source, out var registration))
        {
            throw new CliException($"source: '{sample.Source}' is not one of: {string.Join(", ", sources.Keys.Order(StringComparer.Ordinal))}");
        }

        if (!stack.SigningSecrets.TryGetValue(sample.Source, out var secret))
        {
            throw new CliException($"webhook-signing.json: no secret for '{sample.Source}'; restart the stack to regenerate it");
        }

        var body = await File.ReadAllBytesAsync(sample.BodyPath, ct);
        if (sample.Source == "graph")
        {
            // Graph does not sign: the subscription's secret travels as clientState in every notification.
            body = WithClientState(body, secret);
        }

        var signed = WebhookRequestBuilder.Build(registration, tenant, body, sample.Headers, secret, stack.Endpoints.RestUrl, DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, signed.Url) { Content = new ByteArrayContent(signed.Body.ToArray()) };
        foreach (var (name, value) in signed.Headers)
        {
            if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    private static byte[] WithClientState(byte[] body, string secret)
    {
        if (JsonNode.Parse(body) is not JsonObject { } root || root["value"] is not JsonArray notifications)
        {
            return body;
        }

        foreach (var n in notifications)
        {
            if (n is JsonObject o)
            {
                o["clientState"] = secret;
            }
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}

/// <summary>One sample under events/sources/&lt;source&gt;/: <c>&lt;case&gt;.body</c> and its headers from <c>&lt;case&gt;.json</c>.</summary>
internal sealed record Sample(string Source, string Case, string BodyPath, IReadOnlyDictionary<string, string> Headers)
{
    public static Sample Resolve(string repoRoot, string source, string file)
    {
        var bodyPath = File.Exists(file) ? file
            : File.Exists(file + ".body") ? file + ".body"
            : Path.Combine(repoRoot, "events", "sources", source, file.EndsWith(".body", StringComparison.Ordinal) ? file : file + ".body");
        if (!File.Exists(bodyPath))
        {
            throw new CliException($"file: no sample '{file}' (looked for {bodyPath})");
        }

        return Load(source, bodyPath);
    }

    public static Sample Load(string source, string bodyPath)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var jsonPath = Path.ChangeExtension(bodyPath, ".json");
        if (File.Exists(jsonPath))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
                if (doc.RootElement.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in h.EnumerateObject())
                    {
                        headers[p.Name] = p.Value.GetString() ?? "";
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new CliException($"{jsonPath}: not valid JSON ({ex.Message})");
            }
        }

        return new Sample(source, Path.GetFileNameWithoutExtension(bodyPath), bodyPath, headers);
    }

    /// <summary>Every sample of one source folder, by case name.</summary>
    public static IEnumerable<Sample> InFolder(string folder)
    {
        var source = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        return Directory.EnumerateFiles(folder, "*.body").Order(StringComparer.Ordinal).Select(b => Load(source, b));
    }
}
