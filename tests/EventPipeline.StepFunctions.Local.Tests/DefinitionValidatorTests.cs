using System.Text.Json.Nodes;
using EventPipeline.Workflow;

namespace EventPipeline.StepFunctions.Local.Tests;

public class DefinitionValidatorTests
{
    [Fact]
    public void DefinitionJson_Parsed_IsStructurallyValid()
    {
        var definition = JsonNode.Parse(ReminderWorkflow.DefinitionJson)!.AsObject();

        var problems = DefinitionValidator.Validate(definition);

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_DanglingNextAndUnreachableState_ReportsBoth()
    {
        var definition = JsonNode.Parse("""
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","Next":"Missing"},
              "B":{"Type":"Succeed"}}}
            """)!.AsObject();

        var problems = DefinitionValidator.Validate(definition);

        Assert.Contains(problems, p => p.Contains("'Missing'"));
        Assert.Contains(problems, p => p.StartsWith("B: not reachable"));
    }
}
