namespace EventPipeline.Domain;

/// <summary>The thing an event is about: a kind (issue, charge, message, user...) and the provider's id for it.</summary>
/// <param name="Kind">Lower-case entity kind, e.g. <c>issue</c>, <c>charge</c>.</param>
/// <param name="Id">The provider's identifier of the entity.</param>
public sealed record EntityRef(string Kind, string Id)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Id}";
}

/// <summary>
/// One event in the pipeline's own shape, whatever source it came from. Pure data: no AWS types.
/// </summary>
/// <param name="Tenant">The tenant that owns the event; every aggregate and channel is scoped by it.</param>
/// <param name="Source">The source adapter's name, e.g. <c>github</c>, <c>cloudevents</c>.</param>
/// <param name="EventId">The provider's dedup id; (Tenant, Source, EventId) identifies the event.</param>
/// <param name="Type">The event type, e.g. <c>issues.opened</c>.</param>
/// <param name="OccurredAt">Event time (not receipt time): windows and last-writer-wins use it.</param>
/// <param name="Entity">The entity whose view the event updates.</param>
/// <param name="Measures">Named numbers folded into metric windows (count/sum/min/max). Decimal so sums are exact in any order.</param>
/// <param name="Attributes">State fields merged into the entity view, last writer wins per attribute.</param>
public sealed record CanonicalEvent(
    string Tenant,
    string Source,
    string EventId,
    string Type,
    DateTimeOffset OccurredAt,
    EntityRef Entity,
    IReadOnlyDictionary<string, decimal> Measures,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The dedup identity: the same provider event resent or redriven has the same key.</summary>
    public DedupKey DedupKey => new(Tenant, Source, EventId);
}

/// <summary>Identity of an event for deduplication: (tenant, source, provider dedup id).</summary>
public readonly record struct DedupKey(string Tenant, string Source, string EventId)
{
    /// <inheritdoc />
    public override string ToString() => $"{Tenant}/{Source}/{EventId}";
}
