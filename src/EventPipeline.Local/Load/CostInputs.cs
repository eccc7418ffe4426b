namespace EventPipeline.Local.Load;

/// <summary>What one million events cost to run through the pipeline in AWS, from measured inputs.</summary>
/// <param name="BatchSize">Records per Ingest invocation.</param>
/// <param name="BatchDurationMs">Billed duration of one Ingest invocation (measured).</param>
/// <param name="MemoryMb">Configured function memory (≥ the measured peak RSS).</param>
/// <param name="EventBytes">Average Kinesis record size.</param>
/// <param name="WriteUnitsPerEvent">DynamoDB write request units per event as billed (entity and metric items, dedup, failed conditions).</param>
/// <param name="ReadUnitsPerEvent">DynamoDB strongly consistent read request units per event.</param>
/// <param name="PushesPerEvent">WebSocket messages per event (pushes after coalescing × subscribers).</param>
/// <param name="PublishBatchDurationMs">Billed duration of one Publish invocation.</param>
/// <param name="PublishBatchSize">Stream records per Publish invocation.</param>
/// <param name="PublishWriteUnitsPerEvent">Write units of the sequence heads and change-log pages the Publish function writes per event.</param>
/// <param name="PublishReadUnitsPerEvent">Read units of Publish's subscriber lookups (and sequence re-reads of a redelivered batch) per event.</param>
/// <param name="BusEventsPerEvent">Events the Bus function puts on EventBridge per event: one per change on the tenant channel.</param>
public sealed record CostInputs(
    int BatchSize,
    double BatchDurationMs,
    int MemoryMb,
    double EventBytes,
    double WriteUnitsPerEvent,
    double ReadUnitsPerEvent,
    double PushesPerEvent,
    double PublishBatchDurationMs,
    int PublishBatchSize,
    double PublishWriteUnitsPerEvent = 0,
    double PublishReadUnitsPerEvent = 0,
    double BusEventsPerEvent = 0);
