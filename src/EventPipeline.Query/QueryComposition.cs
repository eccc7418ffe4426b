using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Connections;

namespace EventPipeline.Query;

/// <summary>Builds the Query function once per cold start (AWS) or once per local stack.</summary>
public static class QueryComposition
{
    /// <summary>Wires <see cref="QueryFunction"/>.</summary>
    public static QueryFunction Create(PipelineSettings settings, IAmazonDynamoDB dynamo, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new QueryFunction(dynamo, settings.AggregatesTable, new DynamoChangeLog(dynamo, settings.ChangeLogTable, clock, settings.ChangeLogRetention), clock);
    }
}
