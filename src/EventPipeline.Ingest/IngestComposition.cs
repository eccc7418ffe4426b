using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda;
using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Ingest;

/// <summary>Builds the Ingest function once per cold start (AWS) or once per local stack.</summary>
public static class IngestComposition
{
    /// <summary>CloudWatch namespace of the pipeline's EMF metrics.</summary>
    public const string MetricsNamespace = "EventPipeline";

    /// <summary>Wires <see cref="IngestFunction"/>.</summary>
    public static IngestFunction Create(
        PipelineSettings settings,
        IAmazonDynamoDB dynamo,
        IDeadLetterSink deadLetters,
        SourceDependencies sources,
        TimeProvider clock,
        string functionName = "ingest",
        LambdaLog? log = null,
        EmfMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var pipeline = new IngestPipeline(
            SourceCatalog.Create(sources),
            new KplRecordSplitter(),
            new DynamoAggregateStore(dynamo, settings.AggregatesTable),
            new DynamoDedupStore(dynamo, settings.DedupTable, clock, PipelineTopology.DedupRetention),
            deadLetters,
            clock,
            new AggregationOptions(settings.GracePeriod),
            functionName);
        // Defaults are Lambda's: JSON logs (LOG_LEVEL) and EMF on stdout. The local stack passes its own.
        return new IngestFunction(
            pipeline,
            log ?? LambdaLog.FromEnvironment(clock: clock),
            metrics ?? EmfMetrics.ForFunction(MetricsNamespace, functionName, clock: clock));
    }
}

/// <summary>KPL de-aggregation as an <see cref="IRecordSplitter"/>; plain records pass through as one user record.</summary>
public sealed class KplRecordSplitter : IRecordSplitter
{
    /// <inheritdoc />
    public (IReadOnlyList<ReadOnlyMemory<byte>> Records, Rejection? Error) Split(ReadOnlyMemory<byte> data)
    {
        if (!KplAggregation.IsAggregated(data.Span))
        {
            return ([data], null);
        }

        var result = KplAggregation.Deaggregate("0", "", data);
        return result.Succeeded
            ? (result.Records.Select(r => r.Data).ToList(), null)
            : ([], new Rejection("record", result.Error!));
    }
}
