namespace EventPipeline.Topology;

/// <summary>A table in the shared definition.</summary>
public sealed record TableDefinition(string Name, bool StreamEnabled, IReadOnlyList<GlobalIndexDefinition> GlobalIndexes);
