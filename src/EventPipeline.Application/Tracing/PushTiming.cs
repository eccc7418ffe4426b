namespace EventPipeline.Application.Tracing;

/// <summary>One traced push as Publish posted it: the event's trace, when Publish started on the batch, when it posted.</summary>
/// <param name="Trace">What Ingest recorded (record id, arrival, ingest start, write sent).</param>
/// <param name="PublishStartedAt">When Publish started on the stream batch holding the change.</param>
/// <param name="PostedAt">When the post to the connection was sent.</param>
/// <param name="PostDuration">How long <c>PostToConnection</c> took to answer.</param>
public sealed record PushTiming(EventTrace Trace, DateTimeOffset PublishStartedAt, DateTimeOffset PostedAt, TimeSpan PostDuration)
{
    /// <summary>Kinesis arrival → Ingest started (the Kinesis mapping: visibility, polling, batching window).</summary>
    public TimeSpan StreamToIngest => Trace.IngestStartedAt - Trace.ArrivedAt;

    /// <summary>Ingest started → the item's write sent (adapt, item reads, dedup).</summary>
    public TimeSpan Ingest => Trace.WriteSentAt - Trace.IngestStartedAt;

    /// <summary>Write sent → Publish started (the write, the stream record becoming visible, the stream mapping).</summary>
    public TimeSpan WriteToPublish => PublishStartedAt - Trace.WriteSentAt;

    /// <summary>Publish started → this post sent (sequences, change log, subscribers).</summary>
    public TimeSpan Publish => PostedAt - PublishStartedAt;

    /// <summary>Kinesis arrival → post answered: everything but the producer's put and the last hop to the client.</summary>
    public TimeSpan ArrivalToPosted => PostedAt + PostDuration - Trace.ArrivedAt;
}
