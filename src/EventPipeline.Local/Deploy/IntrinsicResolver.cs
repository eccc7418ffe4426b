using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EventPipeline.Local.Deploy;

/// <summary>
/// Resolves CloudFormation intrinsic functions against the locally deployed resources, the way CloudFormation does at
/// deploy time: <c>Ref</c> (resources, pseudo parameters, parameters with defaults), <c>Fn::GetAtt</c>,
/// <c>Fn::ImportValue</c> (exports of stacks deployed before), <c>Fn::Join</c>, <c>Fn::Sub</c> (both forms),
/// <c>Fn::Select</c>, <c>Fn::Split</c>, <c>Fn::If</c> with the template's conditions (<c>Fn::Equals</c>, <c>Fn::And</c>,
/// <c>Fn::Or</c>, <c>Fn::Not</c>, <c>Condition</c>), and <c>AWS::NoValue</c>. Anything else fails naming the function,
/// so a template the local stack cannot read is never half deployed.
/// </summary>
public sealed partial class IntrinsicResolver(string region, string accountId)
{
    private readonly Dictionary<(string Stack, string LogicalId), ResourceValues> _resources = [];
    private readonly Dictionary<string, string> _exports = new(StringComparer.Ordinal);

    /// <summary>The region of every ARN and endpoint.</summary>
    public string Region { get; } = region;

    /// <summary>The account of every ARN.</summary>
    public string AccountId { get; } = accountId;

    /// <summary>Registers what <c>Ref</c> and <c>Fn::GetAtt</c> of a resource give.</summary>
    public void Register(TemplateResource resource, string reference, IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _resources[(resource.Stack.StackName, resource.LogicalId)] = new ResourceValues(reference, new Dictionary<string, string>(attributes ?? new Dictionary<string, string>(), StringComparer.Ordinal));
    }

    /// <summary>Sets one attribute of a registered resource (e.g. a table's stream ARN, known once it exists).</summary>
    public void SetAttribute(TemplateResource resource, string attribute, string value)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ValuesOf(resource.Stack.StackName, resource.LogicalId).Attributes[attribute] = value;
    }

    /// <summary>What <c>Ref</c> of <paramref name="resource"/> gives.</summary>
    public string RefOf(TemplateResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return ValuesOf(resource.Stack.StackName, resource.LogicalId).Ref;
    }

    /// <summary>What <c>Fn::GetAtt</c> of <paramref name="resource"/>'s <paramref name="attribute"/> gives.</summary>
    public string AttributeOf(TemplateResource resource, string attribute)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return GetAtt(resource.Stack.StackName, resource.LogicalId, attribute);
    }

    /// <summary>Evaluates a stack's outputs that carry an <c>Export</c> and records them for <c>Fn::ImportValue</c>.</summary>
    public void RecordExports(StackTemplate stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        foreach (var (_, output) in stack.Outputs)
        {
            if (output?["Export"]?["Name"] is { } name)
            {
                _exports[ResolveString(stack, name)] = ResolveString(stack, output["Value"]);
            }
        }
    }

    /// <summary>True when the resource has no condition or its condition holds.</summary>
    public bool IsIncluded(TemplateResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Condition is null || Condition(resource.Stack, resource.Condition);
    }

    /// <summary>Resolves <paramref name="node"/> to plain JSON; null for <c>AWS::NoValue</c>.</summary>
    public JsonNode? Resolve(StackTemplate stack, JsonNode? node)
    {
        ArgumentNullException.ThrowIfNull(stack);
        switch (node)
        {
            case null:
                return null;
            case JsonValue value:
                return value.DeepClone();
            case JsonArray array:
                {
                    var result = new JsonArray();
                    foreach (var item in array)
                    {
                        if (Resolve(stack, item) is { } resolved)
                        {
                            result.Add(resolved);
                        }
                    }

                    return result;
                }

            case JsonObject obj when obj.Count == 1 && IsIntrinsic(obj.First().Key):
                return Intrinsic(stack, obj.First().Key, obj.First().Value);
            case JsonObject obj:
                {
                    var result = new JsonObject();
                    foreach (var (key, value) in obj)
                    {
                        if (Resolve(stack, value) is { } resolved)
                        {
                            result[key] = resolved;
                        }
                    }

                    return result;
                }

            default:
                throw new InvalidOperationException($"unexpected JSON node {node.GetType().Name}");
        }
    }

    /// <summary>Resolves <paramref name="node"/> to a string (numbers and booleans in their template text).</summary>
    public string ResolveString(StackTemplate stack, JsonNode? node) => Text(Resolve(stack, node), "value");

    private static bool IsIntrinsic(string key) => key == "Ref" || key == "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private JsonNode? Intrinsic(StackTemplate stack, string function, JsonNode? argument)
    {
        switch (function)
        {
            case "Ref":
                {
                    var name = (string)argument!;
                    return name == "AWS::NoValue" ? null : JsonValue.Create(Ref(stack, name));
                }

            case "Fn::GetAtt":
                {
                    var (logicalId, attribute) = argument switch
                    {
                        JsonArray a => ((string)a[0]!, ResolveString(stack, a[1])),
                        JsonValue v when ((string)v!).Split('.', 2) is [var id, var attr] => (id, attr),
                        _ => throw Unsupported(stack, "Fn::GetAtt", argument),
                    };
                    return JsonValue.Create(GetAtt(stack.StackName, logicalId, attribute));
                }

            case "Fn::ImportValue":
                {
                    var name = ResolveString(stack, argument);
                    return _exports.TryGetValue(name, out var value)
                        ? JsonValue.Create(value)
                        : throw new InvalidOperationException($"stack '{stack.StackName}' imports '{name}', which no stack deployed before it exports.");
                }

            case "Fn::Join":
                {
                    var args = argument!.AsArray();
                    var separator = (string)args[0]!;
                    var items = Resolve(stack, args[1]) as JsonArray ?? throw Unsupported(stack, function, argument);
                    return JsonValue.Create(string.Join(separator, items.Select(i => Text(i, "Fn::Join item"))));
                }

            case "Fn::Sub":
                return JsonValue.Create(Sub(stack, argument));
            case "Fn::Select":
                {
                    var args = argument!.AsArray();
                    var index = int.Parse(ResolveString(stack, args[0]), CultureInfo.InvariantCulture);
                    var list = Resolve(stack, args[1]) as JsonArray ?? throw Unsupported(stack, function, argument);
                    return index >= 0 && index < list.Count ? list[index]!.DeepClone() : throw Unsupported(stack, function, argument);
                }

            case "Fn::Split":
                {
                    var args = argument!.AsArray();
                    var separator = (string)args[0]!;
                    return new JsonArray(ResolveString(stack, args[1]).Split(separator).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
                }

            case "Fn::If":
                {
                    var args = argument!.AsArray();
                    return Resolve(stack, Condition(stack, (string)args[0]!) ? args[1] : args[2]);
                }

            case "Fn::Equals" or "Fn::And" or "Fn::Or" or "Fn::Not" or "Condition":
                return JsonValue.Create(Evaluate(stack, new JsonObject { [function] = argument?.DeepClone() }));
            default:
                throw Unsupported(stack, function, argument);
        }
    }

    private string Ref(StackTemplate stack, string name) => name switch
    {
        "AWS::Region" => Region,
        "AWS::AccountId" => AccountId,
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::StackName" => stack.StackName,
        "AWS::StackId" => $"arn:aws:cloudformation:{Region}:{AccountId}:stack/{stack.StackName}/local",
        _ when stack.Template["Parameters"]?[name] is { } parameter =>
            (string?)parameter["Default"] ?? throw new InvalidOperationException($"stack '{stack.StackName}': parameter '{name}' has no default, and the local stack passes no parameters."),
        _ => ValuesOf(stack.StackName, name).Ref,
    };

    private string GetAtt(string stackName, string logicalId, string attribute) =>
        ValuesOf(stackName, logicalId).Attributes.TryGetValue(attribute, out var value)
            ? value
            : throw new InvalidOperationException($"stack '{stackName}': Fn::GetAtt {logicalId}.{attribute} is not known to the local stack.");

    private ResourceValues ValuesOf(string stackName, string logicalId) =>
        _resources.TryGetValue((stackName, logicalId), out var values)
            ? values
            : throw new InvalidOperationException($"stack '{stackName}' refers to '{logicalId}', which the local stack has not deployed.");

    private string Sub(StackTemplate stack, JsonNode? argument)
    {
        string template;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (argument is JsonArray args)
        {
            template = (string)args[0]!;
            foreach (var (k, v) in args[1]!.AsObject())
            {
                variables[k] = ResolveString(stack, v);
            }
        }
        else
        {
            template = (string)argument!;
        }

        return SubVariable().Replace(template, m =>
        {
            var name = m.Groups[1].Value;
            if (name.StartsWith('!'))
            {
                return "${" + name[1..] + "}";
            }

            if (variables.TryGetValue(name, out var value))
            {
                return value;
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && !name.StartsWith("AWS::", StringComparison.Ordinal)
                ? GetAtt(stack.StackName, name[..dot], name[(dot + 1)..])
                : Ref(stack, name);
        });
    }

    private bool Condition(StackTemplate stack, string name) =>
        stack.Conditions[name] is { } definition
            ? Evaluate(stack, definition)
            : throw new InvalidOperationException($"stack '{stack.StackName}' has no condition '{name}'.");

    private bool Evaluate(StackTemplate stack, JsonNode node)
    {
        if (node is JsonValue v && v.TryGetValue<bool>(out var literal))
        {
            return literal;
        }

        var (function, argument) = node.AsObject().First();
        return function switch
        {
            "Fn::Equals" => ResolveString(stack, argument!.AsArray()[0]) == ResolveString(stack, argument.AsArray()[1]),
            "Fn::And" => argument!.AsArray().All(a => Evaluate(stack, a!)),
            "Fn::Or" => argument!.AsArray().Any(a => Evaluate(stack, a!)),
            "Fn::Not" => !Evaluate(stack, argument!.AsArray()[0]!),
            "Condition" => Condition(stack, (string)argument!),
            _ => throw Unsupported(stack, function, argument),
        };
    }

    private static string Text(JsonNode? node, string what) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        null => throw new InvalidOperationException($"{what} resolved to AWS::NoValue where a string is required."),
        _ => throw new InvalidOperationException($"{what} resolved to {node.ToJsonString()}, not a string."),
    };

    private static InvalidOperationException Unsupported(StackTemplate stack, string function, JsonNode? argument) =>
        new($"stack '{stack.StackName}': the local stack cannot resolve {function} {argument?.ToJsonString()}; extend {nameof(IntrinsicResolver)}.");

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubVariable();

    private sealed record ResourceValues(string Ref, Dictionary<string, string> Attributes);
}
