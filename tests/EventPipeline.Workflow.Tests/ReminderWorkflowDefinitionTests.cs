using System.Text.Json.Nodes;

namespace EventPipeline.Workflow.Tests;

public class ReminderWorkflowDefinitionTests
{
    [Fact]
    public void DefinitionJson_EveryTransition_TargetsAnExistingStateAndEveryStateIsReachable()
    {
        // Independent of DefinitionValidator: walk the root scope by hand.
        var definition = JsonNode.Parse(ReminderWorkflow.DefinitionJson)!.AsObject();
        var states = definition["States"]!.AsObject();
        var targets = new Dictionary<string, List<string>>();
        foreach (var (name, node) in states)
        {
            var list = new List<string>();
            if (node!["Next"] is { } next) list.Add(next.GetValue<string>());
            if (node["Default"] is { } def) list.Add(def.GetValue<string>());
            foreach (var c in node["Choices"]?.AsArray() ?? []) list.Add(c!["Next"]!.GetValue<string>());
            foreach (var c in node["Catch"]?.AsArray() ?? []) list.Add(c!["Next"]!.GetValue<string>());
            targets[name] = list;
        }

        Assert.All(targets.SelectMany(t => t.Value), t => Assert.True(states.ContainsKey(t), $"missing state {t}"));
        var reached = new HashSet<string> { definition["StartAt"]!.GetValue<string>() };
        var queue = new Queue<string>(reached);
        while (queue.TryDequeue(out var s))
        {
            foreach (var t in targets[s].Where(reached.Add)) queue.Enqueue(t);
        }

        Assert.Equal(states.Select(s => s.Key).OrderBy(n => n), reached.OrderBy(n => n));
    }

    [Fact]
    public void DefinitionJson_TaskResources_AreTheDocumentedServiceIntegrations()
    {
        var text = ReminderWorkflow.DefinitionJson;

        Assert.Contains("\"arn:aws:states:::aws-sdk:dynamodb:query\"", text);
        Assert.Contains("\"arn:aws:states:::aws-sdk:sesv2:sendEmail\"", text);
        Assert.Contains("\"arn:aws:states:::sns:publish\"", text);
    }

    [Fact]
    public void DefinitionJson_EveryPath_IsAReferencePathWithoutWildcards()
    {
        // A wildcard path yields a list on one engine and a bare value on another (moto 5.2.1): the definition must
        // not depend on which. Every ".$" value and every *Path field is checked.
        var paths = new List<string>();
        Collect(JsonNode.Parse(ReminderWorkflow.DefinitionJson), paths);

        Assert.NotEmpty(paths);
        Assert.All(paths, p => Assert.DoesNotContain("*", p, StringComparison.Ordinal));

        static void Collect(JsonNode? node, List<string> into)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if ((key.EndsWith(".$", StringComparison.Ordinal) || key.EndsWith("Path", StringComparison.Ordinal) || key == "Variable")
                            && value?.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        {
                            into.Add(value.GetValue<string>());
                        }

                        Collect(value, into);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item, into);
                    }

                    break;
            }
        }
    }

    [Fact]
    public void Render_AllSubstitutions_ReplacesEveryPlaceholder()
    {
        var rendered = ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [ReminderWorkflow.Placeholders.AggregatesTableName] = "t",
            [ReminderWorkflow.Placeholders.FromEmailAddress] = "a@b.c",
        });

        Assert.DoesNotContain("${", rendered);
        Assert.NotNull(JsonNode.Parse(rendered));
    }

    [Fact]
    public void Render_MissingSubstitution_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [ReminderWorkflow.Placeholders.AggregatesTableName] = "t",
        }));

        Assert.Contains(ReminderWorkflow.Placeholders.FromEmailAddress, e.Message);
    }
}
