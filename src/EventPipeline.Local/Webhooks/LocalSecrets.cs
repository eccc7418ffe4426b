using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.Local.Webhooks;

/// <summary>
/// The local stack's webhook secrets: generated once per checkout into <c>.eventpipeline/webhook-secrets.json</c>
/// (what the Webhook function verifies with, for every tenant) and <c>.eventpipeline/webhook-signing.json</c> (what the
/// CLI's <c>send</c> signs with — the same strings, except SendGrid's private key, whose public half is the secret).
/// </summary>
public sealed class LocalSecrets
{
    private LocalSecrets(IReadOnlyDictionary<string, string> verify, IReadOnlyDictionary<string, string> signing, string verifyPath)
    {
        Verify = verify;
        Signing = signing;
        VerifyPath = verifyPath;
    }

    /// <summary>Verification secret per source.</summary>
    public IReadOnlyDictionary<string, string> Verify { get; }

    /// <summary>Signing secret per source.</summary>
    public IReadOnlyDictionary<string, string> Signing { get; }

    /// <summary>Path of the secrets file the Webhook function reads.</summary>
    public string VerifyPath { get; }

    /// <summary>Loads the files, creating them with fresh random secrets for every source that has none.</summary>
    public static LocalSecrets LoadOrCreate(string dataDirectory, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var verifyPath = Path.Combine(dataDirectory, "webhook-secrets.json");
        var signingPath = Path.Combine(dataDirectory, "webhook-signing.json");
        var verify = ReadMap(verifyPath, v => v["tenants"]?["*"]);
        var signing = ReadMap(signingPath, v => v);
        var changed = false;
        foreach (var source in sources)
        {
            if (verify.ContainsKey(source) && signing.ContainsKey(source))
            {
                continue;
            }

            changed = true;
            if (source == "sendgrid")
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                verify[source] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
                signing[source] = Convert.ToBase64String(key.ExportPkcs8PrivateKey());
            }
            else
            {
                var secret = $"local-{source}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant()}";
                verify[source] = secret;
                signing[source] = secret;
            }
        }

        if (changed)
        {
            var v = new JsonObject { ["tenants"] = new JsonObject { ["*"] = ToObject(verify) } };
            File.WriteAllText(verifyPath, v.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.WriteAllText(signingPath, ToObject(signing).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        return new LocalSecrets(verify, signing, verifyPath);
    }

    private static JsonObject ToObject(Dictionary<string, string> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            o[k] = new JsonArray(v);
        }

        return o;
    }

    private static Dictionary<string, string> ReadMap(string path, Func<JsonNode, JsonNode?> select)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path)) is not { } root || select(root) is not JsonObject o)
        {
            return map;
        }

        foreach (var (k, v) in o)
        {
            if (v is JsonArray { Count: > 0 } a && a[0]?.GetValue<string>() is { } s)
            {
                map[k] = s;
            }
        }

        return map;
    }
}
