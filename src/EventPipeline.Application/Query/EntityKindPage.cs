namespace EventPipeline.Application.Query;

/// <summary>
/// A page of a tenant's entity kinds with their counts, in kind order, and where the next page starts (null: none).
/// A page may list fewer kinds than asked for, or none, while <see cref="Next"/> is set: a kind with more entities
/// than one read takes is counted across pages and listed on the last of them.
/// </summary>
public sealed record EntityKindPage(IReadOnlyList<EntityKindCount> Kinds, EntityKindCursor? Next);
