using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.StepFunctions.Local.Integrations;

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
/// ProjectionExpression of names and document paths (<c>attrs.#a.v</c>, with ExpressionAttributeNames). Returns <c>{"Item": {...}}</c>, or <c>{}</c>
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
                // A document path (a.#b.c) walks into maps ({"M":{...}}) and keeps the same nesting, as DynamoDB does.
                var path = raw.Split('.').Select(part => part.StartsWith('#')
                    ? names?[part]?.GetValue<string>() ?? throw Validation($"ExpressionAttributeNames has no {part}")
                    : part).ToArray();
                JsonNode? value = item[path[0]];
                for (var i = 1; i < path.Length && value is not null; i++)
                {
                    value = value["M"]?[path[i]];
                }

                if (value is null)
                {
                    continue;
                }

                var node = value.DeepClone();
                for (var i = path.Length - 1; i > 0; i--)
                {
                    node = new JsonObject { ["M"] = new JsonObject { [path[i]] = node } };
                }

                if (projected[path[0]] is JsonObject existing && node is JsonObject add)
                {
                    Merge(existing, add);
                }
                else
                {
                    projected[path[0]] = node;
                }
            }

            item = projected;
        }

        return new JsonObject { ["Item"] = item };
    }

    private static void Merge(JsonObject into, JsonObject from)
    {
        foreach (var (k, v) in from.ToList())
        {
            if (into[k] is JsonObject a && v is JsonObject b)
            {
                Merge(a, b);
            }
            else
            {
                into[k] = v?.DeepClone();
            }
        }
    }

    private static StatesErrorException Validation(string why) => new("DynamoDB.AmazonDynamoDBException", why);
}
