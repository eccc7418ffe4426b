using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// Evaluates Choice rules: And/Or/Not, the String*, Numeric*, Boolean*, Timestamp* comparisons (each also with a
/// <c>Path</c> suffix comparing against another path), StringMatches, and the type tests IsPresent, IsNull, IsString,
/// IsNumeric, IsBoolean, IsTimestamp. A comparison against a value of another type is false, as the spec says.
/// </summary>
public static class ChoiceRules
{
    private static readonly string[] Comparisons =
    [
        "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
        "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
        "BooleanEquals",
        "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
        "IsPresent", "IsNull", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp",
    ];

    /// <summary>Whether <paramref name="rule"/> holds for <paramref name="input"/>.</summary>
    public static bool Evaluate(JsonObject rule, JsonNode? input, JsonNode? context)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule["And"] is JsonArray and)
        {
            return and.All(r => Evaluate(AsRule(r), input, context));
        }

        if (rule["Or"] is JsonArray or)
        {
            return or.Any(r => Evaluate(AsRule(r), input, context));
        }

        if (rule["Not"] is JsonObject not)
        {
            return !Evaluate(not, input, context);
        }

        var variableText = rule["Variable"]?.GetValue<string>()
            ?? throw new StatesErrorException(StatesErrors.Runtime, "A Choice rule needs Variable, And, Or or Not");
        var variablePath = JsonPath.Parse(variableText);
        var root = variablePath.IsContext ? context : input;

        foreach (var op in Comparisons)
        {
            if (rule.TryGetPropertyValue(op, out var expected))
            {
                return Compare(op, variablePath, root, expected);
            }

            if (rule.TryGetPropertyValue(op + "Path", out var expectedPathNode))
            {
                var expectedPath = JsonPath.Parse(expectedPathNode!.GetValue<string>());
                var other = expectedPath.Select(expectedPath.IsContext ? context : input);
                return Compare(op, variablePath, root, other);
            }
        }

        throw new StatesErrorException(StatesErrors.Runtime, $"The Choice rule on '{variableText}' has no supported comparison operator");
    }

    private static JsonObject AsRule(JsonNode? node)
        => node as JsonObject ?? throw new StatesErrorException(StatesErrors.Runtime, "A Choice rule must be an object");

    private static bool Compare(string op, JsonPath variablePath, JsonNode? root, JsonNode? expected)
    {
        var present = variablePath.TrySelectSingle(root, out var actual);
        if (op == "IsPresent")
        {
            return present == AsBool(expected);
        }

        if (!present)
        {
            // As in Step Functions: comparing a field that is not there is a run-time error (use IsPresent first).
            throw new StatesErrorException(StatesErrors.Runtime, $"Invalid path '{variablePath}': the choice state's condition path references an invalid value.");
        }

        switch (op)
        {
            case "IsNull":
                return (actual is null || actual.GetValueKind() == JsonValueKind.Null) == AsBool(expected);
            case "IsString":
                return (Kind(actual) == JsonValueKind.String) == AsBool(expected);
            case "IsNumeric":
                return (Kind(actual) == JsonValueKind.Number) == AsBool(expected);
            case "IsBoolean":
                return (Kind(actual) is JsonValueKind.True or JsonValueKind.False) == AsBool(expected);
            case "IsTimestamp":
                return (TryTimestamp(actual, out _)) == AsBool(expected);
            case "BooleanEquals":
                return Kind(actual) is JsonValueKind.True or JsonValueKind.False
                    && Kind(expected) is JsonValueKind.True or JsonValueKind.False
                    && actual!.GetValue<bool>() == expected!.GetValue<bool>();
            case "StringMatches":
                return Kind(actual) == JsonValueKind.String && Kind(expected) == JsonValueKind.String
                    && WildcardMatch(actual!.GetValue<string>(), expected!.GetValue<string>());
            default:
                break;
        }

        int? order = null;
        if (op.StartsWith("String", StringComparison.Ordinal))
        {
            if (Kind(actual) == JsonValueKind.String && Kind(expected) == JsonValueKind.String)
            {
                order = string.CompareOrdinal(actual!.GetValue<string>(), expected!.GetValue<string>());
            }
        }
        else if (op.StartsWith("Numeric", StringComparison.Ordinal))
        {
            if (JsonNumbers.TryDecimal(actual, out var a) && JsonNumbers.TryDecimal(expected, out var b))
            {
                order = a.CompareTo(b);
            }
        }
        else if (op.StartsWith("Timestamp", StringComparison.Ordinal))
        {
            if (TryTimestamp(actual, out var a) && TryTimestamp(expected, out var b))
            {
                order = a.CompareTo(b);
            }
        }

        if (order is not { } o)
        {
            return false;
        }

        return op switch
        {
            _ when op.EndsWith("LessThanEquals", StringComparison.Ordinal) => o <= 0,
            _ when op.EndsWith("GreaterThanEquals", StringComparison.Ordinal) => o >= 0,
            _ when op.EndsWith("LessThan", StringComparison.Ordinal) => o < 0,
            _ when op.EndsWith("GreaterThan", StringComparison.Ordinal) => o > 0,
            _ => o == 0,
        };
    }

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static bool AsBool(JsonNode? node)
        => Kind(node) is JsonValueKind.True or JsonValueKind.False
            ? node!.GetValue<bool>()
            : throw new StatesErrorException(StatesErrors.Runtime, "Type-test operators take true or false");

    /// <summary>Timestamps as the spec wants them: RFC 3339 with an uppercase T (and Z or an offset).</summary>
    internal static bool TryTimestamp(JsonNode? node, out DateTimeOffset value)
    {
        value = default;
        return Kind(node) == JsonValueKind.String
            && node!.GetValue<string>() is { } text
            && text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static bool WildcardMatch(string value, string pattern)
    {
        // '*' matches any run of characters; '\*' is a literal asterisk.
        var regex = "^" + string.Concat(SplitPattern(pattern)) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(value, regex, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    private static IEnumerable<string> SplitPattern(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                yield return System.Text.RegularExpressions.Regex.Escape(pattern[i + 1].ToString());
                i++;
            }
            else if (pattern[i] == '*')
            {
                yield return ".*";
            }
            else
            {
                yield return System.Text.RegularExpressions.Regex.Escape(pattern[i].ToString());
            }
        }
    }
}
