using EventPipeline.Domain;

namespace EventPipeline.Application.Ports;

/// <summary>One page of a tenant's entities (kind and id only) and the last one read, where the next page starts (null: this was the last).</summary>
public sealed record EntityRefPage(IReadOnlyList<EntityRef> Entities, EntityRef? NextAfter);
