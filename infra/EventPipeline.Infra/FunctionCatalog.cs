using Amazon.CDK;

namespace EventPipeline.Infra;

/// <summary>
/// The seven functions: which project each is published from and how it is sized. Candidates for
/// <c>PipelineTopology</c> once the local stack needs the same values.
/// </summary>
internal static class FunctionCatalog
{
    public static FunctionSpec Ingest { get; } = new("ingest", "EventPipeline.Ingest", MemoryMb: 1024, TimeoutSeconds: 60,
        "Kinesis events -> source adapters -> aggregates (ESM, ReportBatchItemFailures)");

    public static FunctionSpec Publish { get; } = new("publish", "EventPipeline.Publish", MemoryMb: 512, TimeoutSeconds: 60,
        "Aggregates stream -> change log -> WebSocket connections");

    public static FunctionSpec Connections { get; } = new("connections", "EventPipeline.Connections", MemoryMb: 256, TimeoutSeconds: 10,
        "WebSocket $connect/$disconnect/subscribe/unsubscribe/ping");

    public static FunctionSpec Query { get; } = new("query", "EventPipeline.Query", MemoryMb: 256, TimeoutSeconds: 10,
        "HTTP API reads of aggregates and channel change logs");

    public static FunctionSpec Webhook { get; } = new("webhook", "EventPipeline.Webhook", MemoryMb: 256, TimeoutSeconds: 10,
        "Provider webhooks: verify signature, wrap, PutRecord");

    public static FunctionSpec Reminders { get; } = new("reminders", "EventPipeline.Reminders", MemoryMb: 256, TimeoutSeconds: 10,
        "Reminder API: idempotency key, StartExecution");

    public static FunctionSpec Bus { get; } = new("bus", "EventPipeline.Bus", MemoryMb: 256, TimeoutSeconds: 30,
        "Change-log stream -> EventBridge bus (aggregate.changed), apart from the WebSocket pushes");

    public static IReadOnlyList<FunctionSpec> All { get; } = [Ingest, Publish, Connections, Query, Webhook, Reminders, Bus];
}

/// <summary>One function: a stable key (context filter, construct ids), the src/ project it is published from, its sizing.</summary>
internal sealed record FunctionSpec(string Key, string Project, int MemoryMb, int TimeoutSeconds, string Description)
{
    /// <summary>Construct id, e.g. <c>IngestFunction</c>.</summary>
    public string ConstructId => InfraNames.Pascal(Key) + "Function";

    public Duration Timeout => Duration.Seconds(TimeoutSeconds);
}
