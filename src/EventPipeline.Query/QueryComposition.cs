using EventPipeline.Application.Query;
using EventPipeline.Aws;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;
using EventPipeline.Topology;

namespace EventPipeline.Query;

/// <summary>Builds the Query function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class QueryComposition
{
    /// <summary>The function's key (EMF dimension).</summary>
    public const string FunctionKey = "query";

    /// <summary>Reads <c>AGGREGATES_TABLE</c>, <c>CHANGELOG_TABLE</c> and the AWS client settings, and wires the function.</summary>
    public static QueryFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment));
        var queries = new AggregateQueries(
            new DynamoAggregateReader(aws.DynamoDb, settings.AggregatesTable),
            new DynamoChangeLog(aws.DynamoDb, settings.ChangeLogTable, host.Clock, settings.ChangeLogRetention),
            host.Clock);
        return new QueryFunction(queries, host.Log(), host.Metrics(FunctionKey));
    }
}
