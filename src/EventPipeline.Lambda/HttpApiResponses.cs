using System.Buffers;
using System.Text;
using System.Text.Json;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Lambda;

/// <summary>
/// The one writer of HTTP API responses for every HTTP function (Query, Webhook, Reminders): JSON bodies with header
/// <c>content-type</c> (HTTP/2 and API Gateway spell header names in lower case; the dictionary ignores case), and one
/// error shape: <c>{"error": code, "field", "rule", "message", "errors": [{"field","rule"}, …]}</c>, where field and
/// rule are the first of <c>errors</c> and <c>errors</c> lists every broken rule.
/// </summary>
public static class HttpApiResponses
{
    /// <summary>The header every JSON response carries.</summary>
    public const string ContentType = "content-type";

    /// <summary>A JSON object response; <paramref name="members"/> writes the object's members.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Json(int status, Action<Utf8JsonWriter> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return JsonValue(status, w =>
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        });
    }

    /// <summary>A JSON response; <paramref name="value"/> writes the whole body (one JSON value).</summary>
    public static APIGatewayHttpApiV2ProxyResponse JsonValue(int status, Action<Utf8JsonWriter> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            value(w);
        }

        return new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = status,
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ContentType] = "application/json" },
            Body = Encoding.UTF8.GetString(buffer.WrittenSpan),
        };
    }

    /// <summary>An error naming one field and the rule it broke.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Error(int status, string code, string field, string rule) =>
        Errors(status, code, [(field, rule)]);

    /// <summary>An error listing every broken rule (the first is also the top-level field and rule).</summary>
    public static APIGatewayHttpApiV2ProxyResponse Errors(int status, string code, IReadOnlyList<(string Field, string Rule)> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            throw new ArgumentException("an error names at least one field and rule", nameof(problems));
        }

        var (field, rule) = problems[0];
        return Json(status, w =>
        {
            w.WriteString("error", code);
            w.WriteString("field", field);
            w.WriteString("rule", rule);
            w.WriteString("message", problems.Count == 1 ? $"{field}: {rule}" : string.Join("; ", problems.Select(p => $"{p.Field}: {p.Rule}")));
            w.WriteStartArray("errors");
            foreach (var (f, r) in problems)
            {
                w.WriteStartObject();
                w.WriteString("field", f);
                w.WriteString("rule", r);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }
}
