namespace EventPipeline.Application.Tracing;

/// <summary>Where one Ingest batch spent its time, in the order the stages run.</summary>
/// <param name="Adapt">Decode, adapt and check every record (and send the dead letters).</param>
/// <param name="Read">Read the items the batch changes that the instance's cache did not hold.</param>
/// <param name="Dedup">Round one: the entity items' conditional writes, which decide duplicates (ADR 0003).</param>
/// <param name="Write">Round two: the metric items and late-event records.</param>
public sealed record IngestStageTimes(TimeSpan Adapt, TimeSpan Read, TimeSpan Dedup, TimeSpan Write)
{
    /// <summary>No time at all (an empty batch).</summary>
    public static IngestStageTimes None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}
