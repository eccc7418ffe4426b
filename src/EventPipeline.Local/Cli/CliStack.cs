using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.Local.Cli;

/// <summary>
/// A running local stack as the CLI verbs see it: its endpoints (<c>.eventpipeline/endpoints.json</c>, written by
/// <c>up</c>), the webhook signing secrets (<c>.eventpipeline/webhook-signing.json</c>) and the repository root (for
/// <c>events/</c>). Verbs take a factory so tests can hand them an in-process stack instead of the files.
/// </summary>
public sealed class CliStack
{
    /// <summary>Where the stack answers.</summary>
    public required LocalEndpoints Endpoints { get; init; }

    /// <summary>Source name → the secret a provider signs with.</summary>
    public required IReadOnlyDictionary<string, string> SigningSecrets { get; init; }

    /// <summary>The repository root (holds <c>events/</c>).</summary>
    public required string RepoRoot { get; init; }

    /// <summary>The deployed functions with their resolved environments (for <c>invoke</c>); read lazily from <c>functions.json</c>.</summary>
    public Func<IReadOnlyList<Deploy.DeployedFunction>> Functions { get; init; } = () => [];

    /// <summary>Reads the files <c>up</c> wrote under <paramref name="repoRoot"/> (default: found from the working directory).</summary>
    /// <exception cref="CliException">The stack is not running (no endpoints file) or a file is unreadable.</exception>
    public static CliStack Load(string? repoRoot = null)
    {
        repoRoot ??= LocalEndpoints.FindRepoRoot();
        var dir = Path.Combine(repoRoot, ".eventpipeline");
        var endpoints = LocalEndpoints.Load(repoRoot);

        var signing = new Dictionary<string, string>(StringComparer.Ordinal);
        var signingPath = Path.Combine(dir, "webhook-signing.json");
        if (File.Exists(signingPath) && JsonNode.Parse(File.ReadAllText(signingPath)) is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                // LocalSecrets writes a list per source (several secrets during rotation): sign with the first.
                var current = v is JsonArray { Count: > 0 } list ? list[0] : v;
                if (current is JsonValue value && value.TryGetValue<string>(out var s))
                {
                    signing[k] = s;
                }
            }
        }

        return new CliStack { Endpoints = endpoints, SigningSecrets = signing, RepoRoot = repoRoot, Functions = () => InvokeCommand.LoadFunctions(repoRoot) };
    }

    /// <summary>The stack the tests run in-process.</summary>
    public static CliStack From(LocalStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new CliStack { Endpoints = stack.Endpoints, SigningSecrets = stack.WebhookSecrets.Signing, RepoRoot = stack.RepoRoot, Functions = () => stack.Deployment.Functions };
    }

    /// <summary>A bearer token for <paramref name="tenant"/> (the demo token, or one from the stack's <c>/dev/token</c>).</summary>
    public async Task<string> TokenAsync(HttpClient http, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (tenant == Endpoints.DemoTenant)
        {
            return Endpoints.DemoToken;
        }

        using var request = Endpoints.AdminGet($"dev/token?tenant={Uri.EscapeDataString(tenant)}");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"--tenant: '{tenant}' is not a valid tenant (lowercase letters, digits, dashes)");
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return doc.RootElement.GetProperty("token").GetString()!;
    }
}
