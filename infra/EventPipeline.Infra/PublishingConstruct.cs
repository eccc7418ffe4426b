using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.EventSources;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The Publish function and its DynamoDB stream mapping on the aggregates table (settings from
/// <see cref="PipelineTopology.PublishMapping"/>). It appends to the change log and posts to WebSocket connections.
/// </summary>
internal sealed class PublishingConstruct : Construct
{
    public PublishingConstruct(Construct scope, string id, StatefulStack data, WebSocketApiConstruct webSocket, InfraSettings settings)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        var aggregates = data.Table(PipelineTopology.Tables.Aggregates);
        var connections = data.Table(PipelineTopology.Tables.Connections);
        var changeLog = data.Table(PipelineTopology.Tables.ChangeLog);

        Function = PipelineFunction.Create(this, FunctionCatalog.Publish, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.Table(PipelineTopology.Tables.Connections)] = connections.TableName,
            [FunctionEnvironment.Table(PipelineTopology.Tables.ChangeLog)] = changeLog.TableName,
            [FunctionEnvironment.WebSocketManagementEndpoint] = webSocket.ManagementEndpoint,
        });

        // Reads subscriptions through the byChannel index (grantReadData covers the table's indexes).
        connections.GrantReadData(Function);
        // A connection that answers 410 Gone is deleted at once instead of lingering until its TTL: its items are
        // found by Query (granted above) and deleted 25 at a time with BatchWriteItem (DynamoConnectionStore.RemoveAsync).
        Function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem"],
            Resources = [connections.TableArn],
        }));
        changeLog.GrantReadWriteData(Function);
        webSocket.GrantManageConnections(Function, "POST", "DELETE");

        // The event source grants read on the aggregates stream only (DescribeStream, GetRecords, GetShardIterator, ListStreams).
        var mapping = PipelineTopology.PublishMapping;
        Function.AddEventSource(new DynamoEventSource(aggregates, new DynamoEventSourceProps
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

    public Function Function { get; }
}
