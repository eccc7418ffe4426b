using EventPipeline.Application.Publish;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;
using EventPipeline.Topology;

namespace EventPipeline.Publish;

/// <summary>Builds the Publish function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class PublishComposition
{
    /// <summary>The function's key (EMF dimension).</summary>
    public const string FunctionKey = "publish";

    /// <summary>
    /// Reads <c>CONNECTIONS_TABLE</c>, <c>CHANGELOG_TABLE</c>, <c>WEBSOCKET_MANAGEMENT_ENDPOINT</c>,
    /// <c>CHANGELOG_RETENTION_SECONDS</c> and the AWS client settings, and wires the function.
    /// </summary>
    public static PublishFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment) with { ExecuteApi = settings.WebSocketManagementEndpoint });
        var pipeline = new PublishPipeline(
            new DynamoConnectionStore(aws.DynamoDb, settings.ConnectionsTable, host.Clock),
            new DynamoChangeLog(aws.DynamoDb, settings.ChangeLogTable, host.Clock, settings.ChangeLogRetention),
            new ApiGatewayConnectionPusher(aws.Management),
            clock: host.Clock);
        return new PublishFunction(pipeline, host.Log(), host.Metrics(FunctionKey));
    }
}
