using System.Text.Json;

using EventPipeline.Application.Ports;
using EventPipeline.Application.Webhooks;

namespace EventPipeline.Local.Webhooks;

/// <summary>
/// Secrets from a JSON file, for the local stack:
/// <code>{ "tenants": { "demo": { "github": ["s1", "s2"], "stripe": "s3" }, "*": { "github": ["dev"] } } }</code>
/// A tenant's own entry for a source wins; otherwise the <c>"*"</c> tenant's entry is the default. A value is an array
/// of strings or one string (comma-separated allowed). Tenant names are case-sensitive, source names are not.
/// </summary>
public sealed class FileWebhookSecrets : IWebhookSecrets
{
    /// <summary>The tenant whose entries apply to every tenant without its own.</summary>
    public const string AnyTenant = "*";

    private readonly Dictionary<string, Dictionary<string, IReadOnlyList<string>>> _tenants;

    private FileWebhookSecrets(Dictionary<string, Dictionary<string, IReadOnlyList<string>>> tenants) => _tenants = tenants;

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    public static FileWebhookSecrets Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses the file's JSON. Throws <see cref="FormatException"/> naming the field and rule (never a value).</summary>
    public static FileWebhookSecrets Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var tenants = new Dictionary<string, Dictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new FormatException("webhook secrets file: must be valid JSON");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("tenants", out var all)
                || all.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("webhook secrets file: tenants: required, an object of tenant → { source → secrets }");
            }

            foreach (var tenant in all.EnumerateObject())
            {
                if (tenant.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"webhook secrets file: tenants.{tenant.Name}: must be an object of source → secrets");
                }

                var sources = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
                foreach (var source in tenant.Value.EnumerateObject())
                {
                    sources[source.Name] = source.Value.ValueKind switch
                    {
                        JsonValueKind.String => WebhookSecretList.Parse(source.Value.GetString()),
                        JsonValueKind.Array => Strings(source.Value, $"tenants.{tenant.Name}.{source.Name}"),
                        _ => throw new FormatException($"webhook secrets file: tenants.{tenant.Name}.{source.Name}: must be a string or an array of strings"),
                    };
                }

                tenants[tenant.Name] = sources;
            }
        }

        return new FileWebhookSecrets(tenants);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetAsync(string tenant, string source, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenant, out var own) && own.TryGetValue(source, out var secrets))
        {
            return ValueTask.FromResult(secrets);
        }

        if (_tenants.TryGetValue(AnyTenant, out var any) && any.TryGetValue(source, out var defaults))
        {
            return ValueTask.FromResult(defaults);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>([]);
    }

    private static List<string> Strings(JsonElement array, string path)
    {
        var list = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"webhook secrets file: {path}: every element must be a string");
            }

            var s = item.GetString();
            if (!string.IsNullOrWhiteSpace(s))
            {
                list.Add(s.Trim());
            }
        }

        return list;
    }
}
