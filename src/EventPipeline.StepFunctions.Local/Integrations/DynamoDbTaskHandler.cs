using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// A DynamoDB task (<c>arn:aws:states:::dynamodb:getItem</c>, <c>arn:aws:states:::aws-sdk:dynamodb:query</c>, …):
/// the state's Parameters are sent to DynamoDB as the operation's request and its response is the task's result,
/// as Step Functions does. Errors are named <c>{service}.{error}</c>: <c>DynamoDB.</c> for the optimized
/// integration, <c>DynamoDb.</c> for the AWS SDK one (its service name in Pascal case).
/// </summary>
public sealed class DynamoDbTaskHandler : ITaskHandler
{
    private readonly IDynamoDbJsonClient _dynamoDb;
    private readonly string _operation;
    private readonly string _errorPrefix;

    private DynamoDbTaskHandler(IDynamoDbJsonClient dynamoDb, string operation, string errorPrefix)
    {
        _dynamoDb = dynamoDb ?? throw new ArgumentNullException(nameof(dynamoDb));
        _operation = operation;
        _errorPrefix = errorPrefix;
    }

    /// <summary>The optimized integration <c>arn:aws:states:::dynamodb:{operation}</c> (<c>GetItem</c>, <c>PutItem</c>, …).</summary>
    public static DynamoDbTaskHandler Optimized(IDynamoDbJsonClient dynamoDb, string operation) => new(dynamoDb, operation, "DynamoDB");

    /// <summary>The AWS SDK integration <c>arn:aws:states:::aws-sdk:dynamodb:{operation}</c> (<c>Query</c>, …).</summary>
    public static DynamoDbTaskHandler AwsSdk(IDynamoDbJsonClient dynamoDb, string operation) => new(dynamoDb, operation, "DynamoDb");

    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var request = invocation.Parameters as JsonObject
            ?? throw new StatesErrorException($"{_errorPrefix}.ValidationException", $"{_operation} needs Parameters that are an object");
        try
        {
            return await _dynamoDb.SendAsync(_operation, request, cancellationToken);
        }
        catch (AwsServiceException e)
        {
            throw TaskErrors.From(_errorPrefix, e);
        }
    }
}
