using System.Collections.Concurrent;
using System.Text.Json;
using EventPipeline.Local.Deploy;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.Gateway;
using Json.Pointer;
using Json.Schema;

namespace EventPipeline.Local.Tests.Contract;

/// <summary>
/// The published API contract, docs/api/openapi.json (OpenAPI 3.1) and docs/api/asyncapi.json (AsyncAPI 3), as a
/// validator of real traffic: an HTTP response against the schema its route, status and content type document, a
/// WebSocket frame against the message its <c>type</c> names. Schemas are evaluated where they stand in the documents
/// (JSON pointers into them), so the test checks the very text that is published.
/// </summary>
public sealed class ApiContract
{
    public static readonly Uri OpenApiUri = new("https://eventpipeline.local/api/openapi.json");
    public static readonly Uri AsyncApiUri = new("https://eventpipeline.local/api/asyncapi.json");

    private static readonly Lazy<ApiContract> Published = new(() => Load(EmulatorInstaller.FindRepoRoot()));

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly BuildOptions _build;
    private readonly IReadOnlyList<HttpRoute> _routes;

    private ApiContract(JsonElement openApi, JsonElement asyncApi)
    {
        OpenApi = openApi;
        AsyncApi = asyncApi;
        var registry = new SchemaRegistry();
        registry.Register(OpenApiUri, new JsonElementBaseDocument(openApi, OpenApiUri));
        registry.Register(AsyncApiUri, new JsonElementBaseDocument(asyncApi, AsyncApiUri));
        _build = new BuildOptions { SchemaRegistry = registry };
        // Documented paths matched as the gateway matches route keys (HttpRoute: literal over {var} over {var+}).
        var api = new DeployedApi("contract", "contract", "HTTP", null, null, RouteKeys.Select(k => new DeployedRoute(k, "contract", null)).ToList());
        _routes = api.Routes.Select(r => HttpRoute.Parse(api, r)).ToList();
    }

    /// <summary>The documents in docs/api of this checkout.</summary>
    public static ApiContract Current => Published.Value;

    public JsonElement OpenApi { get; }

    public JsonElement AsyncApi { get; }

    /// <summary>Every documented HTTP operation as an API Gateway route key, <c>GET /aggregates/entities</c>.</summary>
    public IReadOnlyList<string> RouteKeys => OpenApi.GetProperty("paths").EnumerateObject()
        .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name != "parameters").Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
        .ToList();

    public static ApiContract Load(string repoRoot) => new(
        JsonDocument.Parse(File.ReadAllText(Path.Combine(repoRoot, "docs", "api", "openapi.json"))).RootElement.Clone(),
        JsonDocument.Parse(File.ReadAllText(Path.Combine(repoRoot, "docs", "api", "asyncapi.json"))).RootElement.Clone());

    /// <summary>
    /// What is wrong with an HTTP API response, against the documented operation for <paramref name="method"/> and
    /// <paramref name="path"/> (empty: it is as documented); null when no documented route matches the path (a local
    /// stack route, or one API Gateway answers itself).
    /// </summary>
    public IReadOnlyList<string>? CheckResponse(string method, string path, int status, string? mediaType, string body)
    {
        if (HttpRoute.Match(_routes, method, path) is not { } match)
        {
            return null;
        }

        var template = match.Route.Path;
        var operation = OpenApi.GetProperty("paths").GetProperty(template).GetProperty(method.ToLowerInvariant());
        var pointer = $"/paths/{Escape(template)}/{method.ToLowerInvariant()}/responses";
        var responses = operation.GetProperty("responses");
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.TryGetProperty(code, out var response))
        {
            return [$"{method} {template}: status {status} is not documented (documented: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}); body {Short(body)}"];
        }

        pointer += "/" + code;
        if (response.TryGetProperty("$ref", out var reference))
        {
            pointer = reference.GetString()!.TrimStart('#');
            response = Resolve(OpenApi, pointer);
        }

        if (!response.TryGetProperty("content", out var content))
        {
            return body.Length == 0 ? [] : [$"{method} {template} {status}: documented without a body, answered {Short(body)}"];
        }

        var type = mediaType ?? "";
        var entry = content.EnumerateObject().FirstOrDefault(c => c.Name == type || c.Name == "*/*");
        if (entry.Value.ValueKind == JsonValueKind.Undefined)
        {
            return [$"{method} {template} {status}: content type '{type}' is not documented (documented: {string.Join(", ", content.EnumerateObject().Select(c => c.Name))})"];
        }

        if (type != "application/json")
        {
            return [];
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return [$"{method} {template} {status}: not JSON ({ex.Message}): {Short(body)}"];
        }

        return Evaluate(OpenApiUri, $"{pointer}/content/{Escape(entry.Name)}/schema", instance, $"{method} {template} {status}");
    }

    /// <summary>What is wrong with a frame the server sent on the WebSocket (empty: it is a documented message).</summary>
    public IReadOnlyList<string> CheckFrame(JsonElement frame)
    {
        string? name = frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("message", out _) ? "internalServerError" : null;
        var messages = AsyncApi.GetProperty("components").GetProperty("messages");
        if (name is null || !messages.TryGetProperty(name, out _) || !ServerMessages.Contains(name))
        {
            return [$"frame is no message the server sends (documented: {string.Join(", ", ServerMessages)}): {Short(frame.GetRawText())}"];
        }

        return Evaluate(AsyncApiUri, $"/components/messages/{Escape(name)}/payload", frame, $"message {name}");
    }

    /// <summary>The messages the AsyncAPI document's <c>send</c> operations name (what the server sends).</summary>
    public IReadOnlyList<string> ServerMessages => Operations("send");

    /// <summary>The messages the AsyncAPI document's <c>receive</c> operations name (what clients send).</summary>
    public IReadOnlyList<string> ClientMessages => Operations("receive");

    private List<string> Operations(string action) => AsyncApi.GetProperty("operations").EnumerateObject()
        .Where(o => o.Value.GetProperty("action").GetString() == action)
        .SelectMany(o => o.Value.GetProperty("messages").EnumerateArray())
        .Select(m => m.GetProperty("$ref").GetString()!.Split('/')[^1])
        .Distinct(StringComparer.Ordinal)
        .ToList();

    private List<string> Evaluate(Uri document, string pointer, JsonElement instance, string what)
    {
        // The pointer as a URI fragment (RFC 6901, section 6): each segment percent-encoded ({channel+}).
        var fragment = string.Join('/', pointer.Split('/').Select(Uri.EscapeDataString));
        var schema = _schemas.GetOrAdd(document + "#" + fragment, key =>
            JsonSchema.Build(JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["$ref"] = key })).RootElement, _build));
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{what}: {d.InstanceLocation} {e.Key}: {e.Value} (schema {d.SchemaLocation})"))
                .DefaultIfEmpty($"{what}: invalid: {Short(instance.GetRawText())}")
                .ToList();
    }

    private static JsonElement Resolve(JsonElement document, string pointer) =>
        JsonPointer.Parse(pointer).Evaluate(document) ?? throw new InvalidOperationException($"no {pointer} in the document");

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Short(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
