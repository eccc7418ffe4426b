namespace EventPipeline.Local;

/// <summary>Which latency the stack is deployed for (<c>up --latency</c>, CDK context <c>ingestLatency</c>).</summary>
public enum LatencyMode
{
    /// <summary>Cost-optimised: the Ingest mapping polls the stream once a second per shard, with a 1 s batching window.</summary>
    Default,

    /// <summary>The Ingest mapping reads through an enhanced fan-out consumer, with no batching window.</summary>
    Low,
}
