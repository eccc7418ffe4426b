using System.Text.Json;

namespace EventPipeline.Infra;

/// <summary>
/// One consumer's rule on the bus, from context <c>busRules</c>: a JSON array of
/// <c>{"name":"orders","pattern":{"detail":{"tenant":["acme"]}},"topicArn":"arn:…"}</c> (no <c>topicArn</c>: a queue is created).
/// </summary>
internal sealed record BusRule(string Name, JsonElement Pattern, string? TopicArn)
{
    public static IReadOnlyList<BusRule> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException($"Context '{InfraSettings.Keys.BusRules}' must be a JSON array of {{name, pattern, topicArn?}}.");
        }

        return doc.RootElement.EnumerateArray().Select(r =>
        {
            var name = r.TryGetProperty("name", out var n) && n.GetString() is { Length: > 0 } s && s.All(char.IsAsciiLetterOrDigit)
                ? s
                : throw new ArgumentException($"Context '{InfraSettings.Keys.BusRules}': each rule needs a 'name' of letters and digits.");
            var pattern = r.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.Clone()
                : throw new ArgumentException($"Context '{InfraSettings.Keys.BusRules}': rule '{name}' needs a 'pattern' object.");
            return new BusRule(name, pattern, r.TryGetProperty("topicArn", out var t) ? t.GetString() : null);
        }).ToList();
    }
}
