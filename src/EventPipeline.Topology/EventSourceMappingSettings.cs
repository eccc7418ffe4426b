namespace EventPipeline.Topology;

/// <summary>Lambda event source mapping settings, used as-is by the CDK app and by the local pollers.</summary>
/// <param name="BatchSize">Most records per invocation.</param>
/// <param name="MaximumBatchingWindowSeconds">Longest wait to fill a batch.</param>
/// <param name="BisectBatchOnFunctionError">Split a failed batch in two for its retries.</param>
/// <param name="MaximumRetryAttempts">Retries of a failed batch; -1: until its records reach <paramref name="MaximumRecordAgeSeconds"/>.</param>
/// <param name="MaximumRecordAgeSeconds">Age at which a record still failing is given up to the on-failure destination.</param>
/// <param name="ReportBatchItemFailures">The function reports the first failed record, and only the rest is retried.</param>
/// <param name="ParallelizationFactor">Concurrent batches per shard.</param>
public sealed record EventSourceMappingSettings(
    int BatchSize,
    int MaximumBatchingWindowSeconds,
    bool BisectBatchOnFunctionError,
    int MaximumRetryAttempts,
    int MaximumRecordAgeSeconds,
    bool ReportBatchItemFailures,
    int ParallelizationFactor)
{
    /// <summary>
    /// <see cref="MaximumRetryAttempts"/> as the CDK takes it: null for -1 (the template then states none, and
    /// CloudFormation's default, -1, applies: the CDK refuses -1 itself).
    /// </summary>
    public int? CdkRetryAttempts => MaximumRetryAttempts < 0 ? null : MaximumRetryAttempts;
}
