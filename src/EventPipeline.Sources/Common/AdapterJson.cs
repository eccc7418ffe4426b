using System.Globalization;
using System.Text.Json;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Common;

/// <summary>
/// Reads fields out of provider JSON for the group-A adapters. Every helper names the JSON path and the broken rule by
/// throwing <see cref="RejectionException"/>, which <see cref="AdapterRun"/> turns into a rejection at the adapter's boundary.
/// </summary>
internal static class AdapterJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Parses the raw body; anything that is not one JSON value is rejected as <c>body</c>.</summary>
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

    /// <summary>The root must be an object.</summary>
    public static JsonElement RootObject(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement
            : throw RejectionException.For("body", "must be a JSON object");

    /// <summary>Joins a parent path and a property name into a JSON path like <c>data.object.id</c>.</summary>
    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>A required object property.</summary>
    public static JsonElement Object(JsonElement parent, string parentPath, string name) =>
        OptionalObject(parent, parentPath, name) ?? throw RejectionException.For(Path(parentPath, name), "required");

    /// <summary>An object property, or null when absent or JSON null.</summary>
    public static JsonElement? OptionalObject(JsonElement parent, string parentPath, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw RejectionException.For(Path(parentPath, name), "must be an object");
    }

    /// <summary>A required, non-empty string property.</summary>
    public static string String(JsonElement parent, string parentPath, string name)
    {
        var value = OptionalString(parent, parentPath, name) ?? throw RejectionException.For(Path(parentPath, name), "required");
        return value.Length > 0 ? value : throw RejectionException.For(Path(parentPath, name), "must not be empty");
    }

    /// <summary>A string property, or null when absent or JSON null.</summary>
    public static string? OptionalString(JsonElement parent, string parentPath, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw RejectionException.For(Path(parentPath, name), "must be a string");
    }

    /// <summary>
    /// A required identifier that providers send either as a string or as an integer (GitHub, Shopify); rendered as
    /// the invariant decimal text of the number.
    /// </summary>
    public static string Id(JsonElement parent, string parentPath, string name)
    {
        var path = Path(parentPath, name);
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw RejectionException.For(path, "required");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                return text.Length > 0 ? text : throw RejectionException.For(path, "must not be empty");
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                return number.ToString(CultureInfo.InvariantCulture);
            default:
                throw RejectionException.For(path, "must be a string or an integer");
        }
    }

    /// <summary>A number property as decimal, or null when absent or JSON null.</summary>
    public static decimal? OptionalNumber(JsonElement parent, string parentPath, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : throw RejectionException.For(Path(parentPath, name), "must be a number");
    }

    /// <summary>
    /// A number property sent as decimal text (Shopify prices such as <c>"199.00"</c>); a JSON number is accepted too.
    /// </summary>
    public static decimal? OptionalDecimalText(JsonElement parent, string parentPath, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && decimal.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw RejectionException.For(Path(parentPath, name), "must be a decimal number");
    }

    /// <summary>A required RFC 3339 timestamp string.</summary>
    public static DateTimeOffset Timestamp(JsonElement parent, string parentPath, string name) =>
        OptionalTimestamp(parent, parentPath, name) ?? throw RejectionException.For(Path(parentPath, name), "required");

    /// <summary>An RFC 3339 timestamp string, or null when absent or JSON null.</summary>
    public static DateTimeOffset? OptionalTimestamp(JsonElement parent, string parentPath, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var path = Path(parentPath, name);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw RejectionException.For(path, "must be an RFC 3339 timestamp");
        }

        return AdapterTime.TryParseRfc3339(value.GetString(), out var at) ? at : throw RejectionException.For(path, "must be an RFC 3339 timestamp");
    }

    /// <summary>A required Unix time in whole seconds (Stripe <c>created</c>, SendGrid <c>timestamp</c>).</summary>
    public static DateTimeOffset UnixSeconds(JsonElement parent, string parentPath, string name)
    {
        var path = Path(parentPath, name);
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw RejectionException.For(path, "required");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && AdapterTime.TryFromUnixSeconds(seconds, out var at)
            ? at
            : throw RejectionException.For(path, "must be a Unix time in seconds");
    }

    /// <summary>Renders a scalar JSON value as an attribute string (invariant culture), or null for objects, arrays and null.</summary>
    public static string? Scalar(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }
}
