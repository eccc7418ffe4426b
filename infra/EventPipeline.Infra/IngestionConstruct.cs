using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Kinesis;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The Ingest function and its Kinesis event source mapping: on the stream (settings from
/// <see cref="PipelineTopology.IngestMapping"/>), or with <c>-c ingestLatency=low</c> on an enhanced fan-out consumer
/// (<see cref="PipelineTopology.IngestMappingLowLatency"/>).
/// </summary>
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

        if (settings.LowLatencyIngest)
        {
            AddConsumerMapping(data);
        }
        else
        {
            AddStreamMapping(data);
        }
    }

    public Function Function { get; }

    /// <summary>The enhanced fan-out consumer of the low-latency mode; null in the default mode.</summary>
    public CfnStreamConsumer? Consumer { get; private set; }

    private void AddStreamMapping(StatefulStack data)
    {
        // The event source grants the function read access to the stream (GetRecords, GetShardIterator, DescribeStream*, ListShards).
        var mapping = PipelineTopology.IngestMapping;
        Function.AddEventSource(new KinesisEventSource(data.EventsStream, new KinesisEventSourceProps
        {
            StartingPosition = StartingPosition.TRIM_HORIZON,
            BatchSize = mapping.BatchSize,
            MaxBatchingWindow = Duration.Seconds(mapping.MaximumBatchingWindowSeconds),
            BisectBatchOnError = mapping.BisectBatchOnFunctionError,
            RetryAttempts = mapping.CdkRetryAttempts,
            MaxRecordAge = Duration.Seconds(mapping.MaximumRecordAgeSeconds),
            ReportBatchItemFailures = mapping.ReportBatchItemFailures,
            ParallelizationFactor = mapping.ParallelizationFactor,
            OnFailure = new SqsDlq(data.DeadLetterQueue),
        }));
    }

    private void AddConsumerMapping(StatefulStack data)
    {
        // CDK 2.160 has no L2 stream consumer or consumer event source: the consumer is the L1 resource and the mapping
        // names its ARN. Lambda subscribes to each shard through it (SubscribeToShard) and reads the stream's shards.
        Consumer = new CfnStreamConsumer(this, "IngestConsumer", new CfnStreamConsumerProps
        {
            ConsumerName = PipelineTopology.IngestConsumerName,
            StreamArn = data.EventsStream.StreamArn,
        });
        data.EventsStream.GrantRead(Function);
        Function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"],
            Resources = [Consumer.AttrConsumerArn],
        }));

        var mapping = PipelineTopology.IngestMappingLowLatency;
        Function.AddEventSourceMapping("IngestConsumerMapping", new EventSourceMappingOptions
        {
            EventSourceArn = Consumer.AttrConsumerArn,
            StartingPosition = StartingPosition.TRIM_HORIZON,
            BatchSize = mapping.BatchSize,
            MaxBatchingWindow = Duration.Seconds(mapping.MaximumBatchingWindowSeconds),
            BisectBatchOnError = mapping.BisectBatchOnFunctionError,
            RetryAttempts = mapping.CdkRetryAttempts,
            MaxRecordAge = Duration.Seconds(mapping.MaximumRecordAgeSeconds),
            ReportBatchItemFailures = mapping.ReportBatchItemFailures,
            ParallelizationFactor = mapping.ParallelizationFactor,
            OnFailure = new SqsDlq(data.DeadLetterQueue),
        });
    }
}
