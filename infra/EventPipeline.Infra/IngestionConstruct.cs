using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>The Ingest function and its Kinesis event source mapping (settings from <see cref="PipelineTopology.IngestMapping"/>).</summary>
internal sealed class IngestionConstruct : Construct
{
    public IngestionConstruct(Construct scope, string id, StatefulStack data, InfraSettings settings)
        : base(scope, id)
    {
        var aggregates = data.Table(PipelineTopology.Tables.Aggregates);
        var dedup = data.Table(PipelineTopology.Tables.Dedup);

        Function = PipelineFunction.Create(this, FunctionCatalog.Ingest, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.Table(PipelineTopology.Tables.Aggregates)] = aggregates.TableName,
            [FunctionEnvironment.Table(PipelineTopology.Tables.Dedup)] = dedup.TableName,
            [FunctionEnvironment.DeadLetterQueueUrl] = data.DeadLetterQueue.QueueUrl,
        });

        GraphCredential.Configure(Function, settings);
        aggregates.GrantReadWriteData(Function);
        dedup.GrantReadWriteData(Function);
        // Rejected events are sent to the DLQ by the function itself, not only by the ESM's on-failure destination.
        data.DeadLetterQueue.GrantSendMessages(Function);

        // The event source grants the function read access to the stream (GetRecords, GetShardIterator, DescribeStream*, ListShards).
        var mapping = PipelineTopology.IngestMapping;
        Function.AddEventSource(new KinesisEventSource(data.EventsStream, new KinesisEventSourceProps
        {
            StartingPosition = StartingPosition.TRIM_HORIZON,
            BatchSize = mapping.BatchSize,
            MaxBatchingWindow = Duration.Seconds(mapping.MaximumBatchingWindowSeconds),
            BisectBatchOnError = mapping.BisectBatchOnFunctionError,
            RetryAttempts = mapping.MaximumRetryAttempts,
            MaxRecordAge = Duration.Seconds(mapping.MaximumRecordAgeSeconds),
            ReportBatchItemFailures = mapping.ReportBatchItemFailures,
            ParallelizationFactor = mapping.ParallelizationFactor,
            OnFailure = new SqsDlq(data.DeadLetterQueue),
        }));
    }

    public Function Function { get; }
}
