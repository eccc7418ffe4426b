namespace EventPipeline.Reminders.Tests;

public sealed class RemindersAssemblyTests
{
    [Fact]
    public void RemindersAssembly_References_NoLocalStepFunctions()
    {
        // The function ships to Lambda; the local executor and its API are the local stack's, never the function's.
        var references = typeof(RemindersFunction).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("EventPipeline.Workflow", references);
        Assert.DoesNotContain("EventPipeline.StepFunctions.Local", references);
    }
}
