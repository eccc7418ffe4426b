using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Reads fields out of provider JSON. Every reader names the JSON path and the rule it broke by throwing
/// <see cref="RejectionException"/>, so mapping code stays linear and <see cref="AdapterBoundary"/> turns the first
/// broken rule into a rejection. Readers take the element, the element's own path (<c>""</c> for the root) and the
/// property name. Absent and JSON <c>null</c> are the same thing to every reader: providers use both for "no value".
/// </summary>
internal static class JsonFields
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    private static readonly Utf8Name?[] Utf8Names = new Utf8Name?[1024];

    /// <summary>
    /// The envelope's body as JSON: the elements the record's document already holds when the envelope came from
    /// <see cref="IngestEnvelopeCodec.Read"/>, else parsed here from its UTF-8 bytes (no string made: usually a slice of the
    /// Kinesis record). Anything that is not one JSON value is rejected as <c>body</c>.
    /// </summary>
    public static ParsedBody Parse(IngestEnvelope envelope) =>
        envelope.ParsedBody is { } parsed ? new ParsedBody(parsed, null) : Parse(envelope.BodyUtf8);

    /// <summary>Parses JSON from its UTF-8 bytes; anything that is not one JSON value is rejected as <c>body</c>.</summary>
    public static ParsedBody Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body, Options);
            return new ParsedBody(document.RootElement, document);
        }
        catch (JsonException)
        {
            throw RejectionException.For("body", "must be valid JSON");
        }
    }

    /// <summary>The root must be an object.</summary>
    public static JsonElement RootObject(ParsedBody body) => ObjectAt(body.RootElement, "");

    /// <summary>
    /// An element that must be an object: the root (path <c>""</c>, rejected as <c>body</c>) or an array item such as
    /// <c>batch[1]</c>.
    /// </summary>
    public static JsonElement ObjectAt(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw (path.Length == 0 ? RejectionException.For("body", "must be a JSON object") : RejectionException.For(path, "must be an object"));

    /// <summary>Joins a parent path and a property name into a JSON path like <c>data.object.id</c>.</summary>
    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>Joins a parent path and an array index (<c>value</c> + 1 = <c>value[1]</c>).</summary>
    public static string Index(string parent, int index)
    {
        // A batch's items are walked by index and each names its path before anything is wrong with it: the first
        // items' paths under the last parent are made once per thread.
        var recent = recentIndexes ??= new string?[16];
        if (index >= recent.Length)
        {
            return $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";
        }

        if (!ReferenceEquals(recentIndexParent, parent))
        {
            Array.Clear(recent);
            recentIndexParent = parent;
        }

        return recent[index] ??= $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";
    }

    [ThreadStatic]
    private static string? recentIndexParent;

    [ThreadStatic]
    private static string?[]? recentIndexes;

    /// <summary>Property <paramref name="name"/> of <paramref name="parent"/> when present and not null, of any type.</summary>
    public static JsonElement? Optional(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && TryGetProperty(parent, name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    // JsonElement.TryGetProperty(string) transcodes the name to UTF-8 on every call: 57 ns a lookup against 22 ns for
    // the UTF-8 overload (measured), and a mapping makes 10 to 25 lookups. Readers are called with the same literal names
    // over and over, so each name's UTF-8 is kept in a small table indexed by the string's identity. Entries are
    // immutable and replaced whole, so a racing reader sees a complete entry or a miss, never a torn one. A name built
    // at run time (EventBridge looks up a property name it read from the payload) only costs a miss and may evict a
    // literal for one lookup; string.IsInterned cannot tell the two apart under Native AOT, whose literals are not in
    // the runtime's intern table. A name that is not ASCII is looked up by the string overload as before.
    private static bool TryGetProperty(JsonElement parent, string name, out JsonElement value)
    {
        var slot = RuntimeHelpers.GetHashCode(name) & (Utf8Names.Length - 1);
        var entry = Volatile.Read(ref Utf8Names[slot]);
        if (entry is null || !ReferenceEquals(entry.Name, name))
        {
            if (!Ascii.IsValid(name))
            {
                return parent.TryGetProperty(name, out value);
            }

            entry = new Utf8Name(name, Encoding.ASCII.GetBytes(name));
            Volatile.Write(ref Utf8Names[slot], entry);
        }

        return parent.TryGetProperty(entry.Utf8, out value);
    }

    /// <summary>A required object property.</summary>
    public static JsonElement Object(JsonElement parent, string parentPath, string name) =>
        OptionalObject(parent, parentPath, name) ?? throw RejectionException.For(Path(parentPath, name), "required");

    /// <summary>An object property, or null when absent.</summary>
    public static JsonElement? OptionalObject(JsonElement parent, string parentPath, string name) =>
        Optional(parent, name) is not { } value ? null
        : value.ValueKind == JsonValueKind.Object ? value
        : ObjectAt(value, Path(parentPath, name)); // the path is joined only for the rejection

    /// <summary>A required, non-empty string property.</summary>
    public static string String(JsonElement parent, string parentPath, string name)
    {
        var value = OptionalString(parent, parentPath, name) ?? throw RejectionException.For(Path(parentPath, name), "required");
        return value.Length > 0 ? value : throw RejectionException.For(Path(parentPath, name), "must not be empty");
    }

    /// <summary>A string property, or null when absent.</summary>
    public static string? OptionalString(JsonElement parent, string parentPath, string name) =>
        Optional(parent, name) is not { } value ? null
        : value.ValueKind == JsonValueKind.String ? RecentStrings.Of(value)
        : throw RejectionException.For(Path(parentPath, name), "must be a string");

    /// <summary>
    /// A required identifier that providers send either as a string or as an integer (GitHub, Shopify, Segment user ids);
    /// a number is rendered as its invariant decimal text, so both spellings give the same entity.
    /// </summary>
    public static string Id(JsonElement parent, string parentPath, string name)
    {
        // The path is joined only for a rejection.
        var value = Optional(parent, name) ?? throw RejectionException.For(Path(parentPath, name), "required");
        var text = value.ValueKind switch
        {
            JsonValueKind.String => RecentStrings.Of(value),
            JsonValueKind.Number when value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw RejectionException.For(Path(parentPath, name), "must be a string or an integer"),
        };
        return text.Length > 0 ? text : throw RejectionException.For(Path(parentPath, name), "must not be empty");
    }

    /// <summary>A number property as decimal, or null when absent.</summary>
    public static decimal? OptionalNumber(JsonElement parent, string parentPath, string name) =>
        Optional(parent, name) is not { } value ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) ? number
        : throw RejectionException.For(Path(parentPath, name), "must be a number");

    /// <summary>
    /// A number property sent as decimal text (Shopify prices such as <c>"199.00"</c>); a JSON number is accepted too.
    /// </summary>
    public static decimal? OptionalDecimalText(JsonElement parent, string parentPath, string name)
    {
        if (Optional(parent, name) is not { } value)
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

    /// <summary>
    /// A required timestamp string, read by <paramref name="parse"/> (default <see cref="Timestamps.TryParseRfc3339"/>;
    /// the feeds that allow a missing offset pass <see cref="Timestamps.TryParseAssumingUtc"/>).
    /// </summary>
    public static DateTimeOffset Timestamp(JsonElement parent, string parentPath, string name, TryParseTime? parse = null) =>
        OptionalTimestamp(parent, parentPath, name, parse) ?? throw RejectionException.For(Path(parentPath, name), "required");

    /// <summary>A timestamp string read by <paramref name="parse"/>, or null when absent.</summary>
    public static DateTimeOffset? OptionalTimestamp(JsonElement parent, string parentPath, string name, TryParseTime? parse = null)
    {
        if (Optional(parent, name) is not { } value)
        {
            return null;
        }

        parse ??= Timestamps.TryParseRfc3339;
        return value.ValueKind == JsonValueKind.String && parse(value.GetString()!, out var at)
            ? at
            : throw RejectionException.For(Path(parentPath, name), Timestamps.Rfc3339Rule);
    }

    /// <summary>A required Unix time in whole seconds, a JSON integer (Stripe <c>created</c>, SendGrid <c>timestamp</c>).</summary>
    public static DateTimeOffset UnixSeconds(JsonElement parent, string parentPath, string name)
    {
        var value = Optional(parent, name) ?? throw RejectionException.For(Path(parentPath, name), "required");
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && Timestamps.TryFromUnixSeconds(seconds, out var at)
            ? at
            : throw RejectionException.For(Path(parentPath, name), "must be a Unix time in seconds");
    }

    /// <summary>
    /// A required Unix time in milliseconds (Salesforce <c>commitTimestamp</c>, Jira <c>timestamp</c>), a JSON integer
    /// or a string of digits: relays re-serialize large numbers as strings.
    /// </summary>
    public static DateTimeOffset UnixMilliseconds(JsonElement parent, string parentPath, string name)
    {
        var value = Optional(parent, name) ?? throw RejectionException.For(Path(parentPath, name), "required");
        long ms = 0;
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out ms),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ms),
            _ => false,
        };
        return ok && Timestamps.TryFromUnixMilliseconds(ms, out var at)
            ? at
            : throw RejectionException.For(Path(parentPath, name), "must be Unix epoch milliseconds");
    }

    /// <summary>Renders a scalar JSON value as an attribute string (invariant culture), or null for objects, arrays and null.</summary>
    public static string? Scalar(JsonElement parent, string name) =>
        Optional(parent, name) is not { } value ? null
        : value.ValueKind switch
        {
            JsonValueKind.String => RecentStrings.Of(value),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };

    /// <summary>
    /// Copies the top-level scalar fields of <paramref name="obj"/>: numbers into <paramref name="measures"/> (when not
    /// null) or else attributes, strings and booleans into <paramref name="attributes"/>. Nested objects and arrays are
    /// skipped: views hold flat state.
    /// </summary>
    public static void CollectScalars(JsonElement obj, FieldDictionary<decimal>? measures, FieldDictionary<string> attributes)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // Sized once for every field (counting the object's properties is a walk of its entries, not a parse), where
        // growing 4 → 8 → 16 left the smaller arrays behind.
        attributes.EnsureCapacity(attributes.Count + obj.GetPropertyCount());
        foreach (var p in obj.EnumerateObject())
        {
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Number when measures is not null && p.Value.TryGetDecimal(out var d):
                    measures.Set(RecentStrings.Of(p), d);
                    break;
                case JsonValueKind.Number:
                    attributes.Set(RecentStrings.Of(p), p.Value.GetRawText());
                    break;
                case JsonValueKind.String:
                    attributes.Set(RecentStrings.Of(p), RecentStrings.Of(p.Value));
                    break;
                case JsonValueKind.True:
                    attributes.Set(RecentStrings.Of(p), "true");
                    break;
                case JsonValueKind.False:
                    attributes.Set(RecentStrings.Of(p), "false");
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>A property name and its UTF-8 bytes.</summary>
    private sealed record Utf8Name(string Name, byte[] Utf8);
}
