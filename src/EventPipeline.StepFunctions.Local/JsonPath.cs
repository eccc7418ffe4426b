using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// The JSONPath subset the Amazon States Language uses: <c>$</c> (state input) or <c>$$</c> (context object), then
/// <c>.name</c>, <c>['name']</c>, <c>[n]</c>, and the wildcards <c>.*</c> / <c>[*]</c>. A path without wildcards is a
/// reference path (one value or an error); a path with wildcards yields an array of every match (possibly empty).
/// </summary>
public sealed class JsonPath
{
    private readonly Segment[] _segments;

    private JsonPath(string text, bool isContext, Segment[] segments)
    {
        Text = text;
        IsContext = isContext;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Whether the path starts at the context object (<c>$$</c>).</summary>
    public bool IsContext { get; }

    /// <summary>Whether the path selects exactly one node (no wildcard).</summary>
    public bool IsReferencePath => _segments.All(s => !s.IsWildcard);

    /// <summary>Parses a path; throws <see cref="StatesErrorException"/> (States.Runtime) when malformed.</summary>
    public static JsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('$'))
        {
            throw Invalid(text, "must start with $");
        }

        var isContext = text.StartsWith("$$", StringComparison.Ordinal);
        var i = isContext ? 2 : 1;
        var segments = new List<Segment>();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                i++;
                if (i < text.Length && text[i] == '*')
                {
                    segments.Add(Segment.Wildcard);
                    i++;
                    continue;
                }

                var start = i;
                while (i < text.Length && text[i] != '.' && text[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    throw Invalid(text, "has an empty field name");
                }

                segments.Add(Segment.Field(text[start..i]));
            }
            else if (c == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    throw Invalid(text, "has an unclosed [");
                }

                var inner = text[(i + 1)..close].Trim();
                if (inner == "*")
                {
                    segments.Add(Segment.Wildcard);
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    segments.Add(Segment.Field(inner[1..^1]));
                }
                else if (int.TryParse(inner, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(Segment.Index(index));
                }
                else
                {
                    throw Invalid(text, $"has an unsupported selector [{inner}]");
                }

                i = close + 1;
            }
            else
            {
                throw Invalid(text, $"has an unexpected '{c}' at {i}");
            }
        }

        return new JsonPath(text, isContext, [.. segments]);
    }

    /// <summary>
    /// Selects from <paramref name="root"/> (already the context object when <see cref="IsContext"/>). A reference path that
    /// matches nothing throws States.Runtime; a wildcard path returns a (possibly empty) array. Returned nodes are copies.
    /// </summary>
    public JsonNode? Select(JsonNode? root)
    {
        if (IsReferencePath)
        {
            if (!TrySelectSingle(root, out var value))
            {
                throw new StatesErrorException(StatesErrors.Runtime, $"The JSONPath '{Text}' could not be found in the input");
            }

            return value?.DeepClone();
        }

        var matches = new List<JsonNode?> { root };
        foreach (var segment in _segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in matches)
            {
                segment.Apply(node, next);
            }

            matches = next;
        }

        var array = new JsonArray();
        foreach (var m in matches)
        {
            array.Add(m?.DeepClone());
        }

        return array;
    }

    /// <summary>Whether a reference path exists in <paramref name="root"/> (a JSON null counts as present).</summary>
    public bool Exists(JsonNode? root) => IsReferencePath ? TrySelectSingle(root, out _) : true;

    /// <summary>The value at a reference path without copying, or false when absent.</summary>
    public bool TrySelectSingle(JsonNode? root, out JsonNode? value)
    {
        var node = root;
        foreach (var segment in _segments)
        {
            if (!segment.TryStep(node, out node))
            {
                value = null;
                return false;
            }
        }

        value = node;
        return true;
    }

    /// <summary>
    /// Returns a copy of <paramref name="target"/> with <paramref name="value"/> placed at this reference path (ResultPath
    /// semantics): missing objects on the way are created; <c>$</c> replaces the whole document.
    /// </summary>
    public JsonNode? SetInCopy(JsonNode? target, JsonNode? value)
    {
        if (!IsReferencePath || IsContext)
        {
            throw Invalid(Text, "must be a reference path into the state input");
        }

        if (_segments.Length == 0)
        {
            return value?.DeepClone();
        }

        var root = target?.DeepClone() ?? new JsonObject();
        if (root is not JsonObject && _segments[0].Name is not null)
        {
            throw new StatesErrorException(StatesErrors.Runtime, $"Unable to apply ResultPath '{Text}': the input is not an object");
        }

        JsonNode current = root;
        for (var k = 0; k < _segments.Length; k++)
        {
            var segment = _segments[k];
            var last = k == _segments.Length - 1;
            if (segment.Name is { } name && current is JsonObject obj)
            {
                if (last)
                {
                    obj[name] = value?.DeepClone();
                }
                else
                {
                    if (obj[name] is not JsonObject child)
                    {
                        child = new JsonObject();
                        obj[name] = child;
                    }

                    current = child;
                }
            }
            else if (segment.ArrayIndex is { } index && current is JsonArray arr && index >= 0 && index < arr.Count)
            {
                if (last)
                {
                    arr[index] = value?.DeepClone();
                }
                else
                {
                    current = arr[index] ?? throw new StatesErrorException(StatesErrors.Runtime, $"Unable to apply ResultPath '{Text}'");
                }
            }
            else
            {
                throw new StatesErrorException(StatesErrors.Runtime, $"Unable to apply ResultPath '{Text}' to the input");
            }
        }

        return root;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static StatesErrorException Invalid(string text, string rule)
        => new(StatesErrors.Runtime, $"The JSONPath '{text}' {rule}");

    private sealed class Segment
    {
        public static readonly Segment Wildcard = new() { IsWildcard = true };

        public string? Name { get; private init; }

        public int? ArrayIndex { get; private init; }

        public bool IsWildcard { get; private init; }

        public static Segment Field(string name) => new() { Name = name };

        public static Segment Index(int index) => new() { ArrayIndex = index };

        public bool TryStep(JsonNode? node, out JsonNode? next)
        {
            next = null;
            if (Name is { } name)
            {
                return node is JsonObject obj && obj.TryGetPropertyValue(name, out next);
            }

            if (ArrayIndex is { } index && node is JsonArray arr)
            {
                var i = index < 0 ? arr.Count + index : index;
                if (i >= 0 && i < arr.Count)
                {
                    next = arr[i];
                    return true;
                }
            }

            return false;
        }

        public void Apply(JsonNode? node, List<JsonNode?> into)
        {
            if (IsWildcard)
            {
                switch (node)
                {
                    case JsonObject obj:
                        foreach (var (_, child) in obj)
                        {
                            into.Add(child);
                        }

                        break;
                    case JsonArray arr:
                        into.AddRange(arr);
                        break;
                    default:
                        break;
                }
            }
            else if (TryStep(node, out var next))
            {
                into.Add(next);
            }
        }

        public override string ToString()
        {
            var sb = new StringBuilder();
            if (IsWildcard)
            {
                sb.Append(".*");
            }
            else if (Name is not null)
            {
                sb.Append('.').Append(Name);
            }
            else
            {
                sb.Append('[').Append(ArrayIndex?.ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            return sb.ToString();
        }
    }
}
