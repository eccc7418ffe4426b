using System.Text.Json.Nodes;

namespace EventPipeline.Local.Iam;

/// <summary>One statement of an IAM policy, intrinsics already resolved.</summary>
/// <param name="Effect">Allow or Deny.</param>
/// <param name="Actions">Patterns of <c>Action</c> (null when the statement uses <c>NotAction</c>).</param>
/// <param name="NotActions">Patterns of <c>NotAction</c>.</param>
/// <param name="Resources">Patterns of <c>Resource</c> (null when the statement uses <c>NotResource</c>).</param>
/// <param name="NotResources">Patterns of <c>NotResource</c>.</param>
/// <param name="Conditions">The <c>Condition</c> block: operator → key → values.</param>
public sealed record PolicyStatement(
    PolicyEffect Effect,
    IReadOnlyList<string>? Actions,
    IReadOnlyList<string>? NotActions,
    IReadOnlyList<string>? Resources,
    IReadOnlyList<string>? NotResources,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Conditions)
{
    private const string EffectKey = "Effect";

    /// <summary>The statements of a resolved policy document (<c>{"Statement": […]}</c>).</summary>
    public static IReadOnlyList<PolicyStatement> FromDocument(JsonNode? document)
    {
        var statements = document?["Statement"] switch
        {
            JsonArray a => a.Select(s => s!.AsObject()).ToList(),
            JsonObject o => [o],
            _ => new List<JsonObject>(),
        };
        return statements.Select(Parse).ToList();
    }

    private static PolicyStatement Parse(JsonObject s)
    {
        var effect = (string?)s[EffectKey] switch
        {
            "Allow" => PolicyEffect.Allow,
            "Deny" => PolicyEffect.Deny,
            var other => throw new InvalidOperationException($"IAM statement has Effect '{other}', not Allow or Deny."),
        };
        var conditions = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>(StringComparer.Ordinal);
        if (s["Condition"] is JsonObject block)
        {
            foreach (var (op, keys) in block)
            {
                conditions[op] = keys!.AsObject().ToDictionary(k => k.Key, k => (IReadOnlyList<string>)List(k.Value)!, StringComparer.OrdinalIgnoreCase);
            }
        }

        return new PolicyStatement(effect, List(s["Action"]), List(s["NotAction"]), List(s["Resource"]), List(s["NotResource"]), conditions);
    }

    private static List<string>? List(JsonNode? node) => node switch
    {
        null => null,
        JsonArray a => a.Select(v => v!.ToString()).ToList(),
        _ => [node.ToString()],
    };
}
