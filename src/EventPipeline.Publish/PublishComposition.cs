using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;

namespace EventPipeline.Publish;

/// <summary>Builds the Publish function once per cold start (AWS) or once per local stack.</summary>
public static class PublishComposition
{
    /// <summary>Wires <see cref="PublishFunction"/>.</summary>
    public static PublishFunction Create(PipelineSettings settings, IAmazonDynamoDB dynamo, IApiGatewayManagementClient management, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PublishFunction(new PublishPipeline(
            new DynamoConnectionStore(dynamo, settings.ConnectionsTable, clock),
            new DynamoChangeLog(dynamo, settings.ChangeLogTable, clock, settings.ChangeLogRetention),
            management));
    }
}
