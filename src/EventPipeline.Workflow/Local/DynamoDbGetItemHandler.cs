using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.Workflow.Local;

/// <summary>Reads one item for the local <c>dynamodb:getItem</c> task (the local stack implements it over DynamoDB Local).</summary>
public interface IItemReader
{
    /// <summary>
    /// The item with key <paramref name="key"/> (DynamoDB JSON, e.g. <c>{"pk":{"S":"..."},"sk":{"S":"..."}}</c>) in
    /// <paramref name="tableName"/>, as DynamoDB JSON attribute values, or null when there is none.
    /// </summary>
    Task<JsonObject?> GetItemAsync(string tableName, JsonObject key, bool consistentRead, CancellationToken cancellationToken);
}

/// <summary>Items in memory, keyed by table and the key's canonical JSON (tests).</summary>
public sealed class InMemoryItemReader : IItemReader
{
    private readonly Dictionary<string, JsonObject> _items = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Stores <paramref name="item"/> (DynamoDB JSON) under the attributes named by <paramref name="keyAttributes"/>.</summary>
    public void Put(string tableName, JsonObject item, params string[] keyAttributes)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(keyAttributes);
        var key = new JsonObject();
        foreach (var name in keyAttributes.Length == 0 ? ["pk", "sk"] : keyAttributes)
        {
            key[name] = item[name]?.DeepClone() ?? throw new ArgumentException($"item has no key attribute '{name}'", nameof(item));
        }

        lock (_gate)
        {
            _items[Id(tableName, key)] = (JsonObject)item.DeepClone();
        }
    }

    /// <inheritdoc />
    public Task<JsonObject?> GetItemAsync(string tableName, JsonObject key, bool consistentRead, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_items.TryGetValue(Id(tableName, key), out var item) ? (JsonObject?)item.DeepClone() : null);
        }
    }

    private static string Id(string table, JsonObject key)
        => table + "\n" + string.Join("\n", key.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value?.ToJsonString()));
}

/// <summary>
/// Local stand-in for <c>arn:aws:states:::dynamodb:getItem</c>: TableName, Key, optional ConsistentRead and a
/// ProjectionExpression of top-level names (with ExpressionAttributeNames). Returns <c>{"Item": {...}}</c>, or <c>{}</c>
/// when the item does not exist, as DynamoDB does.
/// </summary>
public sealed class DynamoDbGetItemHandler(IItemReader reader) : ITaskHandler
{
    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var p = invocation.Parameters as JsonObject ?? throw Validation("the request must be an object");
        var table = p["TableName"]?.GetValueKind() == JsonValueKind.String ? p["TableName"]!.GetValue<string>() : throw Validation("TableName is required");
        var key = p["Key"] as JsonObject ?? throw Validation("Key is required");
        var consistent = p["ConsistentRead"]?.GetValueKind() == JsonValueKind.True;

        var item = await reader.GetItemAsync(table, key, consistent, cancellationToken);
        if (item is null)
        {
            return new JsonObject();
        }

        if (p["ProjectionExpression"]?.GetValue<string>() is { } projection)
        {
            var names = p["ExpressionAttributeNames"] as JsonObject;
            var projected = new JsonObject();
            foreach (var raw in projection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var name = raw.StartsWith('#')
                    ? names?[raw]?.GetValue<string>() ?? throw Validation($"ExpressionAttributeNames has no {raw}")
                    : raw;
                if (item[name] is { } value)
                {
                    projected[name] = value.DeepClone();
                }
            }

            item = projected;
        }

        return new JsonObject { ["Item"] = item };
    }

    private static StatesErrorException Validation(string why) => new("DynamoDB.AmazonDynamoDBException", why);
}
