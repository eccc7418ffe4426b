namespace EventPipeline.Application.Query;

/// <summary>
/// Where the next page of entity kinds starts: after the entity <paramref name="Kind"/>/<paramref name="AfterId"/>,
/// with <paramref name="Counted"/> entities of <paramref name="Kind"/> already counted on earlier pages (a kind is
/// listed once, with its whole count, on the page where its last entity is read).
/// </summary>
public sealed record EntityKindCursor(string Kind, string AfterId, long Counted);
