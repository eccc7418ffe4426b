using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;

namespace EventPipeline.Query;

/// <summary>Builds the Query function once per cold start (AWS) or once per local stack.</summary>
public static class QueryComposition
{
    /// <summary>Wires <see cref="QueryFunction"/>.</summary>
    /// <param name="settings">Tables.</param>
    /// <param name="dynamo">DynamoDB client.</param>
    /// <param name="clock">Clock.</param>
    /// <param name="log">Structured log; Lambda's default (JSON on stdout, LOG_LEVEL) when null.</param>
    /// <param name="metrics">EMF metrics; stdout, namespace EventPipeline, FunctionName query when null.</param>
    public static QueryFunction Create(PipelineSettings settings, IAmazonDynamoDB dynamo, TimeProvider clock, LambdaLog? log = null, EmfMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new QueryFunction(
            dynamo,
            settings.AggregatesTable,
            new DynamoChangeLog(dynamo, settings.ChangeLogTable, clock, settings.ChangeLogRetention),
            clock,
            log ?? LambdaLog.FromEnvironment(clock: clock),
            metrics ?? EmfMetrics.ForFunction("EventPipeline", "query", clock: clock));
    }
}
