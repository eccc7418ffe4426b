namespace EventPipeline.Workflow.Tests;

public sealed class WorkflowAssemblyTests
{
    [Fact]
    public void WorkflowAssembly_Exports_TheDefinitionAndItsInputNamesOnly()
    {
        // The Reminders function and the CDK app load this assembly: no interpreter may ride along in it.
        var exported = typeof(ReminderWorkflow).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.FullName).Order(StringComparer.Ordinal);

        Assert.Equal(["EventPipeline.Workflow.ReminderInput", "EventPipeline.Workflow.ReminderWorkflow"], exported);
    }

    [Fact]
    public void WorkflowAssembly_References_NoInterpreterAndNoAws()
    {
        var references = typeof(ReminderWorkflow).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, n => n.StartsWith("EventPipeline.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.Contains("Amazon", StringComparison.OrdinalIgnoreCase) || n.StartsWith("AWSSDK", StringComparison.Ordinal));
    }
}
