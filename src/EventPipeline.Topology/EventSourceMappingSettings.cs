namespace EventPipeline.Topology;

/// <summary>Lambda event source mapping settings, used as-is by the CDK app and by the local pollers.</summary>
public sealed record EventSourceMappingSettings(
    int BatchSize,
    int MaximumBatchingWindowSeconds,
    bool BisectBatchOnFunctionError,
    int MaximumRetryAttempts,
    int MaximumRecordAgeSeconds,
    bool ReportBatchItemFailures,
    int ParallelizationFactor);
