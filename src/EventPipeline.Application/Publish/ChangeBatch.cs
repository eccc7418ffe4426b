namespace EventPipeline.Application.Publish;

/// <summary>The aggregate changes of one stream batch, in stream order.</summary>
/// <param name="BatchId">Identifies the batch across redeliveries (channel sequences are allocated once per batch id).</param>
/// <param name="Changes">The new state of each changed item.</param>
public sealed record ChangeBatch(string BatchId, IReadOnlyList<AggregateChange> Changes);
