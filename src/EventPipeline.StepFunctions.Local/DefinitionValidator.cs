using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local;

/// <summary>
/// Structural checks of a definition before anything runs: StartAt and every Next/Default/Catch target name an existing
/// state in the same scope, every state is reachable from StartAt, state names are unique across branches, each
/// non-terminal state has Next or End, and States.ALL stands alone and last in Retry/Catch.
/// </summary>
public static class DefinitionValidator
{
    private static readonly HashSet<string> KnownTypes = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel"];

    /// <summary>Every problem found (empty when the definition is well formed).</summary>
    public static IReadOnlyList<string> Validate(JsonObject definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        var allNames = new HashSet<string>(StringComparer.Ordinal);
        ValidateScope(definition, "root", problems, allNames);
        return problems;
    }

    private static void ValidateScope(JsonObject scope, string where, List<string> problems, HashSet<string> allNames)
    {
        if (scope["States"] is not JsonObject states || states.Count == 0)
        {
            problems.Add($"{where}: States must be a non-empty object");
            return;
        }

        var startAt = scope["StartAt"]?.GetValue<string>();
        if (startAt is null || !states.ContainsKey(startAt))
        {
            problems.Add($"{where}: StartAt '{startAt}' is not a state");
        }

        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, node) in states)
        {
            if (!allNames.Add(name))
            {
                problems.Add($"state name '{name}' is used more than once");
            }

            if (node is not JsonObject state)
            {
                problems.Add($"{name}: must be an object");
                continue;
            }

            var type = state["Type"]?.GetValue<string>();
            if (type is null || !KnownTypes.Contains(type))
            {
                problems.Add($"{name}: Type '{type}' is not supported");
                continue;
            }

            var targets = new List<string>();
            edges[name] = targets;
            if (state["Next"]?.GetValue<string>() is { } next)
            {
                targets.Add(next);
            }

            var terminal = type is "Choice" or "Succeed" or "Fail";
            if (!terminal && state["Next"] is null && state["End"]?.GetValue<bool>() != true)
            {
                problems.Add($"{name}: needs Next or End");
            }

            if (type == "Choice")
            {
                if (state["Choices"] is not JsonArray choices || choices.Count == 0)
                {
                    problems.Add($"{name}: Choices must be a non-empty array");
                }
                else
                {
                    targets.AddRange(choices.Select(c => c?["Next"]?.GetValue<string>()).OfType<string>());
                }

                if (state["Default"]?.GetValue<string>() is { } defaultNext)
                {
                    targets.Add(defaultNext);
                }
            }

            if (type == "Task" && state["Resource"]?.GetValue<string>() is null)
            {
                problems.Add($"{name}: Task needs a Resource");
            }

            ValidateErrorList(name, "Retry", state["Retry"] as JsonArray, problems);
            ValidateErrorList(name, "Catch", state["Catch"] as JsonArray, problems);
            foreach (var catcher in state["Catch"] as JsonArray ?? [])
            {
                if (catcher?["Next"]?.GetValue<string>() is { } catchNext)
                {
                    targets.Add(catchNext);
                }
                else
                {
                    problems.Add($"{name}: every Catch needs Next");
                }
            }

            if (type == "Parallel")
            {
                if (state["Branches"] is not JsonArray branches || branches.Count == 0)
                {
                    problems.Add($"{name}: Branches must be a non-empty array");
                }
                else
                {
                    for (var i = 0; i < branches.Count; i++)
                    {
                        ValidateScope((JsonObject)branches[i]!, $"{name}.Branches[{i}]", problems, allNames);
                    }
                }
            }

            foreach (var target in targets.Where(t => !states.ContainsKey(t)))
            {
                problems.Add($"{name}: transition target '{target}' is not a state in {where}");
            }
        }

        if (startAt is not null && states.ContainsKey(startAt))
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { startAt };
            var queue = new Queue<string>([startAt]);
            while (queue.TryDequeue(out var current))
            {
                foreach (var target in edges.GetValueOrDefault(current) ?? [])
                {
                    if (states.ContainsKey(target) && reached.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }

            foreach (var (name, _) in states)
            {
                if (!reached.Contains(name))
                {
                    problems.Add($"{name}: not reachable from StartAt in {where}");
                }
            }
        }
    }

    private static void ValidateErrorList(string name, string field, JsonArray? list, List<string> problems)
    {
        if (list is null)
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var errors = list[i]?["ErrorEquals"] as JsonArray;
            if (errors is null || errors.Count == 0)
            {
                problems.Add($"{name}: {field}[{i}] needs a non-empty ErrorEquals");
                continue;
            }

            var hasAll = errors.Any(e => e?.GetValue<string>() == StatesErrors.All);
            if (hasAll && (errors.Count > 1 || i != list.Count - 1))
            {
                problems.Add($"{name}: {field}[{i}] States.ALL must appear alone in the last entry");
            }
        }
    }
}
