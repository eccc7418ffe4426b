using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>
/// DynamoDB operations with their request and response as DynamoDB JSON, passed through untouched: the workflow's
/// Parameters already are the API's request (the <c>dynamodb:*</c> and <c>aws-sdk:dynamodb:*</c> integrations
/// send them as they are), so DynamoDB itself evaluates key, projection and filter expressions.
/// </summary>
public interface IDynamoDbJsonClient
{
    /// <summary>Calls <paramref name="operation"/> (<c>GetItem</c>, <c>Query</c>, …) with <paramref name="request"/>; returns the response object.</summary>
    Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken);
}
