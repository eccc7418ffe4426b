using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;

namespace EventPipeline.Publish;

/// <summary>Builds the Publish function once per cold start (AWS) or once per local stack.</summary>
public static class PublishComposition
{
    /// <summary>Wires <see cref="PublishFunction"/>.</summary>
    /// <param name="settings">Tables.</param>
    /// <param name="dynamo">DynamoDB client.</param>
    /// <param name="management">The WebSocket API's @connections client.</param>
    /// <param name="clock">Clock.</param>
    /// <param name="log">Structured log; Lambda's default (JSON on stdout, LOG_LEVEL) when null.</param>
    /// <param name="metrics">EMF metrics; stdout, namespace EventPipeline, FunctionName publish when null.</param>
    public static PublishFunction Create(PipelineSettings settings, IAmazonDynamoDB dynamo, IApiGatewayManagementClient management, TimeProvider clock, LambdaLog? log = null, EmfMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PublishFunction(
            new PublishPipeline(
                new DynamoConnectionStore(dynamo, settings.ConnectionsTable, clock),
                new DynamoChangeLog(dynamo, settings.ChangeLogTable, clock, settings.ChangeLogRetention),
                management),
            log ?? LambdaLog.FromEnvironment(clock: clock),
            metrics ?? EmfMetrics.ForFunction("EventPipeline", "publish", clock: clock));
    }
}
