using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.Workflow.Local;

namespace EventPipeline.Local.StepFunctions;

/// <summary>The workflow's DynamoDB GetItem, against DynamoDB Local over its wire protocol (DynamoDB JSON passes through).</summary>
public sealed class DynamoDbItemReader(AwsJsonClient dynamo) : IItemReader
{
    /// <inheritdoc />
    public Task<JsonObject?> GetItemAsync(string tableName, JsonObject key, bool consistentRead, CancellationToken cancellationToken) =>
        dynamo.SendJsonAsync(
            AwsJsonClient.Json10,
            "DynamoDB_20120810.GetItem",
            w =>
            {
                w.WriteStartObject();
                w.WriteString("TableName", tableName);
                w.WritePropertyName("Key");
                key.WriteTo(w);
                w.WriteBoolean("ConsistentRead", consistentRead);
                w.WriteEndObject();
            },
            root => root.TryGetProperty("Item", out var item) && item.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(item.GetRawText())!.AsObject()
                : null,
            cancellationToken);
}
