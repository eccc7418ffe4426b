using EventPipeline.Application.Ingest;
using EventPipeline.Aws;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda;
using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Ingest;

/// <summary>Builds the Ingest function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class IngestComposition
{
    /// <summary>The function's key (EMF dimension, dead-letter <c>function</c> field).</summary>
    public const string FunctionKey = "ingest";

    /// <summary>
    /// Reads <c>AGGREGATES_TABLE</c>, <c>DEDUP_TABLE</c>, <c>DEAD_LETTER_QUEUE_URL</c>, <c>GRACE_PERIOD_SECONDS</c>,
    /// <c>GRAPH_BASE_URL</c> and the AWS client settings, and wires the function.
    /// </summary>
    public static IngestFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment));
        var sources = Aws.Webhooks.AwsSourceDependencies.Create(aws, settings, host.Clock);
        var pipeline = new IngestPipeline(
            SourceCatalog.Create(sources),
            new KplRecordSplitter(),
            new AggregateWriter(new DynamoAggregateItems(aws.DynamoDb, settings.AggregatesTable), new DynamoDedupStore(aws.DynamoDb, settings.DedupTable, PipelineTopology.DedupRetention), cache: new ItemCache(), clock: host.Clock),
            new SqsDeadLetterSink(() => aws.Sqs, settings.DeadLetterQueueUrl),
            host.Clock,
            new AggregationOptions(settings.GracePeriod),
            FunctionKey);
        return new IngestFunction(pipeline, host.Log(), host.Metrics(FunctionKey), host.Clock);
    }
}
