namespace EventPipeline.Local.Latency;

/// <summary>
/// The stages the local stack times, in pipeline order. The <c>push.*</c> stages partition an event's time from its
/// arrival on Kinesis to the post (their means add up); the mapping and Ingest stages split them further.
/// </summary>
public static class PipelineStages
{
    /// <summary>Kinesis arrival → the Kinesis mapping's GetRecords returned the record (polling cadence, emulator).</summary>
    public static PipelineStage KinesisVisible { get; } = new("kinesis.visible", "Kinesis arrival → read by the Kinesis mapping", "local Kinesis mapping");

    /// <summary>Read by the Kinesis mapping → Ingest invoked (the batching window).</summary>
    public static PipelineStage KinesisBatching { get; } = new("kinesis.batching", "read → Ingest invoked (batching window)", "local Kinesis mapping");

    /// <summary>Kinesis arrival → Ingest started, from the push trace.</summary>
    public static PipelineStage StreamToIngest { get; } = new("push.streamToIngest", "Kinesis arrival → Ingest started", "push trace (Ingest, EMF StreamToIngest)");

    /// <summary>Ingest batch stage: decode, adapt, check.</summary>
    public static PipelineStage IngestAdapt { get; } = new("ingest.adapt", "Ingest: decode, adapt, check (per batch)", "Ingest (EMF AdaptDuration)");

    /// <summary>Ingest batch stage: item reads.</summary>
    public static PipelineStage IngestRead { get; } = new("ingest.read", "Ingest: read items not in the cache (per batch)", "Ingest (EMF ReadDuration)");

    /// <summary>Ingest batch stage: entity claims (dedup).</summary>
    public static PipelineStage IngestDedup { get; } = new("ingest.dedup", "Ingest: entity items' claims, the dedup round (per batch)", "Ingest (EMF DedupDuration)");

    /// <summary>Ingest batch stage: metric writes.</summary>
    public static PipelineStage IngestWrite { get; } = new("ingest.write", "Ingest: metric items (per batch)", "Ingest (EMF WriteDuration)");

    /// <summary>Ingest started → entity write sent, from the push trace.</summary>
    public static PipelineStage Ingest { get; } = new("push.ingest", "Ingest started → entity write sent", "push trace");

    /// <summary>Entity write sent → the DynamoDB Streams mapping read its stream record.</summary>
    public static PipelineStage StreamVisible { get; } = new("stream.visible", "entity write sent → stream record read by the DynamoDB mapping", "local DynamoDB Streams mapping");

    /// <summary>Read by the DynamoDB Streams mapping → Publish invoked.</summary>
    public static PipelineStage StreamBatching { get; } = new("stream.batching", "stream record read → Publish invoked", "local DynamoDB Streams mapping");

    /// <summary>Entity write sent → Publish started, from the push trace.</summary>
    public static PipelineStage WriteToPublish { get; } = new("push.writeToPublish", "entity write sent → Publish started", "push trace (Publish, EMF WriteToPublish)");

    /// <summary>Publish started → PostToConnection sent.</summary>
    public static PipelineStage Publish { get; } = new("push.publish", "Publish started → PostToConnection sent", "push trace (EMF PublishToPost)");

    /// <summary>The PostToConnection call.</summary>
    public static PipelineStage Post { get; } = new("push.post", "PostToConnection sent → answered", "Publish (EMF PostDuration)");

    /// <summary>Kinesis arrival → PostToConnection answered: all the stack sees of an event.</summary>
    public static PipelineStage ArrivalToPost { get; } = new("push.arrivalToPost", "Kinesis arrival → PostToConnection answered", "push trace (EMF ArrivalToPost)");

    /// <summary>Every stage, in pipeline order.</summary>
    public static IReadOnlyList<PipelineStage> All { get; } =
    [
        KinesisVisible, KinesisBatching, StreamToIngest, IngestAdapt, IngestRead, IngestDedup, IngestWrite, Ingest,
        StreamVisible, StreamBatching, WriteToPublish, Publish, Post, ArrivalToPost,
    ];
}
