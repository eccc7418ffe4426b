namespace EventPipeline.Topology;

/// <summary>A global secondary index (string keys, all attributes projected).</summary>
public sealed record GlobalIndexDefinition(string Name, string PartitionKey, string SortKey);
