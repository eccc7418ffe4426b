using EventPipeline.Local.EventSources;

namespace EventPipeline.Local.Latency;

/// <summary>What <c>/metrics/latency</c> shows: how the mappings read, and every stage the stack times, in pipeline order.</summary>
/// <param name="Mode"><c>low</c> when the Ingest mapping reads through an enhanced fan-out consumer, else <c>default</c>.</param>
/// <param name="IngestMapping">How the Kinesis → Ingest mapping reads.</param>
/// <param name="PublishMapping">How the DynamoDB Streams → Publish mapping reads.</param>
/// <param name="Stages">Each stage's latencies.</param>
public sealed record LatencySnapshot(string Mode, MappingDescription? IngestMapping, MappingDescription? PublishMapping, IReadOnlyList<StageLatency> Stages);
