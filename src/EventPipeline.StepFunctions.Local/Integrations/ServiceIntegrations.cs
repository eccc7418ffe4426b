using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// The task resources the local executor serves, each with its handler: what a <see cref="LocalStateMachine"/> is
/// given as its handlers. Unlisted resources fail the task with <c>States.Runtime</c>.
/// </summary>
public static class ServiceIntegrations
{
    /// <summary>Optimized DynamoDB GetItem.</summary>
    public const string DynamoDbGetItem = "arn:aws:states:::dynamodb:getItem";

    /// <summary>AWS SDK DynamoDB Query.</summary>
    public const string DynamoDbQuery = "arn:aws:states:::aws-sdk:dynamodb:query";

    /// <summary>AWS SDK SES v2 SendEmail.</summary>
    public const string SesV2SendEmail = "arn:aws:states:::aws-sdk:sesv2:sendEmail";

    /// <summary>Optimized SNS Publish.</summary>
    public const string SnsPublish = "arn:aws:states:::sns:publish";

    /// <summary>Every resource above, calling the services through <paramref name="clients"/>.</summary>
    public static IReadOnlyDictionary<string, ITaskHandler> Handlers(ServiceIntegrationClients clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return Handlers(clients.DynamoDb, clients.SesV2, clients.Sns);
    }

    /// <summary>Every resource above, calling the services through the given clients (wire clients, or in-memory ones in tests).</summary>
    public static IReadOnlyDictionary<string, ITaskHandler> Handlers(IDynamoDbJsonClient dynamoDb, ISesV2Client ses, ISnsClient sns) =>
        new Dictionary<string, ITaskHandler>(StringComparer.Ordinal)
        {
            [DynamoDbGetItem] = DynamoDbTaskHandler.Optimized(dynamoDb, "GetItem"),
            [DynamoDbQuery] = DynamoDbTaskHandler.AwsSdk(dynamoDb, "Query"),
            [SesV2SendEmail] = new SesSendEmailHandler(ses),
            [SnsPublish] = new SnsPublishHandler(sns),
        };
}
