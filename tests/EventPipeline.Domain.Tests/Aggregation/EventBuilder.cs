using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Domain.Tests.Aggregation;

/// <summary>Builds canonical events for tests: sensible defaults, override what the test is about.</summary>
internal static class EventBuilder
{
    public static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static CanonicalEvent Event(
        string id = "e1",
        DateTimeOffset? at = null,
        string source = "src",
        string tenant = "acme",
        string type = "order.updated",
        EntityRef? entity = null,
        IReadOnlyDictionary<string, decimal>? measures = null,
        IReadOnlyDictionary<string, string>? attributes = null) =>
        new(tenant, source, id, type, at ?? Noon, entity ?? new EntityRef("order", "42"),
            measures ?? new Dictionary<string, decimal>(), attributes ?? new Dictionary<string, string>());

    public static Dictionary<string, decimal> Measure(string name, decimal value) => new() { [name] = value };

    public static Dictionary<string, string> Attr(string name, string value) => new() { [name] = value };

    /// <summary>A context whose "now" is <paramref name="now"/> (default: noon, far from any closed window) with a 1 h grace.</summary>
    public static AggregationContext Context(DateTimeOffset? now = null, TimeSpan? grace = null) =>
        new(now ?? Noon, new AggregationOptions(grace ?? TimeSpan.FromHours(1)));
}
