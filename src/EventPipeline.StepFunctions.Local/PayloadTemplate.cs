using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// Evaluates payload templates (Parameters, ResultSelector, Pass Parameters): a key ending in <c>.$</c> takes its value
/// from a path (<c>$...</c> on the input, <c>$$...</c> on the context object) or an intrinsic function
/// (<c>States.Format</c>, <c>States.Array</c>, <c>States.ArrayContains</c>, <c>States.JsonToString</c>,
/// <c>States.StringToJson</c>); other keys are copied as they are, recursively.
/// </summary>
public static class PayloadTemplate
{
    /// <summary>Applies <paramref name="template"/> to <paramref name="input"/> with <paramref name="context"/> for <c>$$</c>.</summary>
    public static JsonNode? Apply(JsonNode? template, JsonNode? input, JsonNode? context)
    {
        switch (template)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        var expression = value?.GetValueKind() == JsonValueKind.String
                            ? value.GetValue<string>()
                            : throw new StatesErrorException(StatesErrors.Runtime, $"The value of '{key}' must be a path or an intrinsic function");
                        result[key[..^2]] = Evaluate(expression, input, context);
                    }
                    else
                    {
                        result[key] = Apply(value, input, context);
                    }
                }

                return result;
            case JsonArray arr:
                var copy = new JsonArray();
                foreach (var item in arr)
                {
                    copy.Add(Apply(item, input, context));
                }

                return copy;
            default:
                return template?.DeepClone();
        }
    }

    /// <summary>Evaluates one <c>.$</c> value: a path or an intrinsic function call.</summary>
    public static JsonNode? Evaluate(string expression, JsonNode? input, JsonNode? context)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var trimmed = expression.Trim();
        if (trimmed.StartsWith("States.", StringComparison.Ordinal))
        {
            var parser = new IntrinsicParser(trimmed, input, context);
            var value = parser.ParseCall();
            parser.ExpectEnd();
            return value;
        }

        var path = JsonPath.Parse(trimmed);
        return path.Select(path.IsContext ? context : input);
    }

    /// <summary>Recursive-descent parser and evaluator for intrinsic function calls.</summary>
    private sealed class IntrinsicParser(string text, JsonNode? input, JsonNode? context)
    {
        private int _pos;

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_pos != text.Length)
            {
                throw Fail($"unexpected text at {_pos}");
            }
        }

        public JsonNode? ParseCall()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }

            var name = text[start.._pos];
            SkipSpaces();
            Expect('(');
            var args = new List<JsonNode?>();
            SkipSpaces();
            if (Peek() != ')')
            {
                while (true)
                {
                    args.Add(ParseArgument());
                    SkipSpaces();
                    if (Peek() == ',')
                    {
                        _pos++;
                        continue;
                    }

                    break;
                }
            }

            Expect(')');
            return Invoke(name, args);
        }

        private JsonNode? ParseArgument()
        {
            SkipSpaces();
            var c = Peek();
            if (c == '\'')
            {
                return JsonValue.Create(ParseString());
            }

            if (c == '$')
            {
                var start = _pos;
                while (_pos < text.Length && text[_pos] != ',' && text[_pos] != ')')
                {
                    if (text[_pos] == '[')
                    {
                        var close = text.IndexOf(']', _pos);
                        _pos = close < 0 ? text.Length : close;
                    }

                    _pos++;
                }

                var path = JsonPath.Parse(text[start.._pos].Trim());
                return path.Select(path.IsContext ? context : input);
            }

            if (text.AsSpan(_pos).StartsWith("States.", StringComparison.Ordinal))
            {
                return ParseCall();
            }

            var literalStart = _pos;
            while (_pos < text.Length && text[_pos] != ',' && text[_pos] != ')')
            {
                _pos++;
            }

            var literal = text[literalStart.._pos].Trim();
            try
            {
                return JsonNode.Parse(literal);
            }
            catch (JsonException)
            {
                throw Fail($"'{literal}' is not a literal, path or function");
            }
        }

        private string ParseString()
        {
            Expect('\'');
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != '\'')
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                }

                sb.Append(text[_pos]);
                _pos++;
            }

            Expect('\'');
            return sb.ToString();
        }

        private JsonNode? Invoke(string name, List<JsonNode?> args)
        {
            switch (name)
            {
                case "States.Array":
                    var array = new JsonArray();
                    foreach (var a in args)
                    {
                        array.Add(a?.DeepClone());
                    }

                    return array;
                case "States.ArrayContains":
                    RequireCount(name, args, 2);
                    if (args[0] is not JsonArray haystack)
                    {
                        throw Fail($"{name} needs an array as its first argument");
                    }

                    return JsonValue.Create(haystack.Any(item => JsonNode.DeepEquals(item, args[1])));
                case "States.JsonToString":
                    RequireCount(name, args, 1);
                    return JsonValue.Create(args[0]?.ToJsonString() ?? "null");
                case "States.StringToJson":
                    RequireCount(name, args, 1);
                    return JsonNode.Parse(AsString(name, args[0]));
                case "States.Format":
                    if (args.Count == 0)
                    {
                        throw Fail($"{name} needs a format string");
                    }

                    return JsonValue.Create(Format(AsString(name, args[0]), args.Skip(1).ToList()));
                default:
                    throw Fail($"{name} is not supported by the local executor");
            }
        }

        private string Format(string format, List<JsonNode?> values)
        {
            var sb = new StringBuilder();
            var next = 0;
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '}')
                {
                    if (next >= values.Count)
                    {
                        throw Fail("States.Format has more {} than arguments");
                    }

                    var v = values[next++];
                    sb.Append(v switch
                    {
                        null => "null",
                        JsonValue jv when jv.GetValueKind() == JsonValueKind.String => jv.GetValue<string>(),
                        JsonValue jv => jv.ToJsonString(),
                        _ => throw Fail("States.Format arguments must be strings, numbers, booleans or null"),
                    });
                    i++;
                }
                else
                {
                    sb.Append(format[i]);
                }
            }

            if (next != values.Count)
            {
                throw Fail("States.Format has fewer {} than arguments");
            }

            return sb.ToString();
        }

        private string AsString(string name, JsonNode? node)
            => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw Fail($"{name} needs a string argument");

        private void RequireCount(string name, List<JsonNode?> args, int count)
        {
            if (args.Count != count)
            {
                throw Fail($"{name} takes {count.ToString(CultureInfo.InvariantCulture)} argument(s)");
            }
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Expect(char c)
        {
            SkipSpaces();
            if (Peek() != c)
            {
                throw Fail($"expected '{c}' at {_pos}");
            }

            _pos++;
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private StatesErrorException Fail(string why)
            => new(StatesErrors.IntrinsicFailure, $"{why} in '{text}'");
    }
}
