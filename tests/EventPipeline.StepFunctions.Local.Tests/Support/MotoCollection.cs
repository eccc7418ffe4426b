namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>The tests that share one <see cref="MotoServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
