using System.Globalization;
using System.Text;

namespace EventPipeline.Local.Load;

/// <summary>What one million events cost to run through the pipeline in AWS, from measured inputs.</summary>
/// <param name="BatchSize">Records per Ingest invocation.</param>
/// <param name="BatchDurationMs">Billed duration of one Ingest invocation (measured).</param>
/// <param name="MemoryMb">Configured function memory (≥ the measured peak RSS).</param>
/// <param name="EventBytes">Average Kinesis record size.</param>
/// <param name="WritesPerEvent">DynamoDB write request units per event after coalescing (aggregate items + dedup markers + change log).</param>
/// <param name="PushesPerEvent">WebSocket messages per event (pushes after coalescing × subscribers).</param>
/// <param name="PublishBatchDurationMs">Billed duration of one Publish invocation.</param>
/// <param name="PublishBatchSize">Stream records per Publish invocation.</param>
public sealed record CostInputs(
    int BatchSize,
    double BatchDurationMs,
    int MemoryMb,
    double EventBytes,
    double WritesPerEvent,
    double PushesPerEvent,
    double PublishBatchDurationMs,
    int PublishBatchSize);
