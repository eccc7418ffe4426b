using System.Globalization;
using System.Text.Json;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Common;

/// <summary>
/// Small JSON reading helpers shared by the group-B adapters: every failure becomes a <see cref="RejectionException"/>
/// naming the JSON path and the rule, so adapters turn it into a rejection at their boundary.
/// </summary>
internal static class JsonPayload
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Parses the raw body; rejects <c>body</c> when it is not JSON.</summary>
    public static JsonDocument Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body, Options);
        }
        catch (JsonException)
        {
            throw RejectionException.For("body", "must be valid JSON");
        }
    }

    /// <summary>Joins a parent path and a property name (<c>detail</c> + <c>id</c> = <c>detail.id</c>).</summary>
    public static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    /// <summary>Joins a parent path and an array index (<c>value</c> + 1 = <c>value[1]</c>).</summary>
    public static string Index(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The element must be a JSON object.</summary>
    public static JsonElement RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RejectionException.For(path.Length == 0 ? "body" : path, "must be a JSON object");
        }

        return element;
    }

    /// <summary>Property <paramref name="name"/> of <paramref name="obj"/> when present and not null.</summary>
    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A required non-empty string property.</summary>
    public static string RequireString(JsonElement obj, string name, string parent)
    {
        var path = Path(parent, name);
        var v = Optional(obj, name) ?? throw RejectionException.For(path, "required");
        if (v.ValueKind != JsonValueKind.String)
        {
            throw RejectionException.For(path, "must be a string");
        }

        var s = v.GetString()!;
        return s.Length == 0 ? throw RejectionException.For(path, "must not be empty") : s;
    }

    /// <summary>An optional string property: null when absent or null; rejected when present with another type.</summary>
    public static string? OptionalString(JsonElement obj, string name, string parent)
    {
        var v = Optional(obj, name);
        if (v is null)
        {
            return null;
        }

        return v.Value.ValueKind == JsonValueKind.String
            ? v.Value.GetString()
            : throw RejectionException.For(Path(parent, name), "must be a string");
    }

    /// <summary>A required identifier given as a JSON string or an integer (providers use both).</summary>
    public static string RequireId(JsonElement obj, string name, string parent)
    {
        var path = Path(parent, name);
        var v = Optional(obj, name) ?? throw RejectionException.For(path, "required");
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number when v.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => throw RejectionException.For(path, "must be a string or an integer"),
        };
        return s.Length == 0 ? throw RejectionException.For(path, "must not be empty") : s;
    }

    /// <summary>Parses an RFC 3339 / ISO 8601 timestamp; a missing offset is read as UTC.</summary>
    public static DateTimeOffset ParseTimestamp(string value, string path)
    {
        // The shape check keeps culture-style dates such as 01/05/2024 (ambiguous day/month) out.
        if (value.Length >= 19 && char.IsAsciiDigit(value[0]) && value[4] == '-' && value[7] == '-' && value[10] is 'T' or 't' or ' ' &&
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        throw RejectionException.For(path, "must be an RFC 3339 timestamp");
    }

    /// <summary>A required RFC 3339 timestamp string property.</summary>
    public static DateTimeOffset RequireTimestamp(JsonElement obj, string name, string parent) =>
        ParseTimestamp(RequireString(obj, name, parent), Path(parent, name));

    /// <summary>A required Unix epoch milliseconds property (a JSON integer, or a string of digits).</summary>
    public static DateTimeOffset RequireUnixMilliseconds(JsonElement obj, string name, string parent)
    {
        var path = Path(parent, name);
        var v = Optional(obj, name) ?? throw RejectionException.For(path, "required");
        long ms;
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetInt64(out ms),
            JsonValueKind.String => long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ms),
            _ => (ms = 0) != 0,
        };
        // Bounds keep FromUnixTimeMilliseconds from throwing on absurd values.
        if (!ok || ms < 0 || ms > 253_402_300_799_999)
        {
            throw RejectionException.For(path, "must be Unix epoch milliseconds");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>
    /// Copies the top-level scalar fields of <paramref name="obj"/>: numbers into <paramref name="measures"/> (when not
    /// null) or else attributes, strings and booleans into <paramref name="attributes"/>. Nested objects and arrays are
    /// skipped: views hold flat state.
    /// </summary>
    public static void CollectScalars(JsonElement obj, Dictionary<string, decimal>? measures, Dictionary<string, string> attributes)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in obj.EnumerateObject())
        {
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Number when measures is not null && p.Value.TryGetDecimal(out var d):
                    measures[p.Name] = d;
                    break;
                case JsonValueKind.Number:
                    attributes[p.Name] = p.Value.GetRawText();
                    break;
                case JsonValueKind.String:
                    attributes[p.Name] = p.Value.GetString()!;
                    break;
                case JsonValueKind.True:
                    attributes[p.Name] = "true";
                    break;
                case JsonValueKind.False:
                    attributes[p.Name] = "false";
                    break;
                default:
                    break;
            }
        }
    }
}
