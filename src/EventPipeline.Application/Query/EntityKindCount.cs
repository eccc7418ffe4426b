namespace EventPipeline.Application.Query;

/// <summary>An entity kind of a tenant and how many entities of that kind it has.</summary>
public sealed record EntityKindCount(string Kind, long Count);
