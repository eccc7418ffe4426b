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
/// <param name="PublishWriteUnitsPerEvent">Change-log and sequence writes the Publish function makes per event.</param>
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
    double PublishWriteUnitsPerEvent = 0);
