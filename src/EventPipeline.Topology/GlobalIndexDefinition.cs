namespace EventPipeline.Topology;

/// <summary>A global secondary index (string keys).</summary>
/// <param name="Name">Index name.</param>
/// <param name="PartitionKey">Attribute of the index's partition key.</param>
/// <param name="SortKey">Attribute of the index's sort key.</param>
/// <param name="Projection">What the index copies from each item.</param>
public sealed record GlobalIndexDefinition(string Name, string PartitionKey, string SortKey, IndexProjection Projection = IndexProjection.All);
