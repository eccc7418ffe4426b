using EventPipeline.Topology;

namespace EventPipeline.Local.EventSources;

/// <summary>Where a mapping starts reading shards that exist when it starts.</summary>
public enum StartingPosition
{
    /// <summary>The oldest record still in the shard.</summary>
    TrimHorizon,

    /// <summary>Only records put after the mapping starts.</summary>
    Latest,
}

/// <summary>
/// A local event source mapping: the shared <see cref="EventSourceMappingSettings"/> plus what Lambda decides
/// elsewhere (function timeout, starting position) and local tuning (poll intervals).
/// </summary>
public sealed record StreamPollerOptions
{
    /// <summary>Batch size, batching window, bisect, retries, record age, ReportBatchItemFailures (ParallelizationFactor is treated as 1).</summary>
    public required EventSourceMappingSettings Mapping { get; init; }

    /// <summary>Start of shards present at startup; shards that appear later are read from their start, as in Lambda.</summary>
    public StartingPosition StartingPosition { get; init; } = StartingPosition.TrimHorizon;

    /// <summary>Function name used in the context and the failure records.</summary>
    public string FunctionName { get; init; } = "function";

    /// <summary>Function timeout: an invocation still running after this counts as failed (its token is cancelled).</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Pause before reading again a shard that had nothing new, or gave less than asked while a batching window is open
    /// (<see cref="MappingCadence"/> has Lambda's rates by source kind).
    /// </summary>
    public TimeSpan EmptyPollInterval { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// Cuts an idle shard's pause short when records are put (an enhanced fan-out consumer's push); null: the shard
    /// is polled every <see cref="EmptyPollInterval"/>.
    /// </summary>
    public RecordsPutSignal? RecordsPut { get; init; }

    /// <summary>How often the shard list is refreshed to pick up new shards.</summary>
    public TimeSpan ShardDiscoveryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause before retrying a failed batch.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Region put in the events.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Receives records given up after retries or age; null drops them (still counted and logged).</summary>
    public IFailureDestination? OnFailure { get; init; }

    /// <summary>Progress and error messages (one line each); null discards them.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where checkpoints are kept across restarts; null keeps them in memory only.</summary>
    public ICheckpointStore? Checkpoints { get; init; }

    /// <summary>Largest invocation payload: a batch above it is sent as consecutive smaller batches (Lambda's 6 MB).</summary>
    public long MaxPayloadBytes { get; init; } = 6 * 1024 * 1024;

    /// <summary>Clock for record age and contexts.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
