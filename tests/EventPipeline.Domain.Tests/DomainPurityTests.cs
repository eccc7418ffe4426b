using EventPipeline.Domain;

namespace EventPipeline.Domain.Tests;

public sealed class DomainPurityTests
{
    [Fact]
    public void DomainAssembly_References_OnlyTheBaseLibrary()
    {
        var references = typeof(CanonicalEvent).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var foreign = references.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib")).ToList();

        Assert.True(foreign.Count == 0, $"the domain must not reference AWS, logging or DI packages; found: {string.Join(", ", foreign)}");
        Assert.DoesNotContain(references, n => n.Contains("Amazon", StringComparison.OrdinalIgnoreCase) || n.Contains("Logging", StringComparison.Ordinal) || n.Contains("DependencyInjection", StringComparison.Ordinal));
    }
}
