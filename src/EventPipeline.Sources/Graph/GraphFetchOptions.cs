namespace EventPipeline.Sources.Graph;

/// <summary>Tuning of the Graph fetch pipeline beyond <see cref="SourceDependencies"/> (tests shorten the delays).</summary>
public sealed record GraphFetchOptions
{
    /// <summary>Base delay of the exponential, jittered retry backoff.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts within <see cref="SamplingDuration"/> before the breaker may open.</summary>
    public int MinimumThroughput { get; init; } = 5;

    /// <summary>Failure ratio within <see cref="SamplingDuration"/> that opens the breaker.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Window in which failures are counted.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the breaker stays open (calls fail fast) before a trial call.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
