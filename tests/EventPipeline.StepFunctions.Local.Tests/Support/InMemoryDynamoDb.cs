using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>
/// A few DynamoDB operations in memory, for running the workflow with nothing else running: GetItem (key, a
/// ProjectionExpression of document paths) and Query with equality-only key and filter expressions (<c>a = :v AND …</c>,
/// document paths with <c>#names</c>) and <c>Select: COUNT</c>. Anything else throws, so a test cannot pass on
/// semantics this fake does not have; the same workflow runs against moto's DynamoDB in the wire tests.
/// </summary>
internal sealed class InMemoryDynamoDb : IDynamoDbJsonClient
{
    private readonly HashSet<string> _tables = new(StringComparer.Ordinal);
    private readonly List<(string Table, JsonObject Item)> _items = [];
    private readonly Lock _gate = new();

    /// <summary>Creates an empty table; calls on any other table fail with ResourceNotFoundException, as DynamoDB's do.</summary>
    public void CreateTable(string tableName)
    {
        lock (_gate)
        {
            _tables.Add(tableName);
        }
    }

    /// <summary>Stores <paramref name="item"/> (DynamoDB JSON) in <paramref name="tableName"/> (created if missing), replacing the item with the same pk and sk.</summary>
    public void Put(string tableName, JsonObject item)
    {
        lock (_gate)
        {
            _tables.Add(tableName);
            _items.RemoveAll(e => e.Table == tableName && JsonNode.DeepEquals(e.Item["pk"], item["pk"]) && JsonNode.DeepEquals(e.Item["sk"], item["sk"]));
            _items.Add((tableName, (JsonObject)item.DeepClone()));
        }
    }

    public Task<JsonObject> SendAsync(string operation, JsonObject request, CancellationToken cancellationToken)
    {
        var table = request["TableName"]?.GetValue<string>() ?? throw Validation("TableName is required");
        var names = request["ExpressionAttributeNames"] as JsonObject;
        var values = request["ExpressionAttributeValues"] as JsonObject;
        List<JsonObject> inTable;
        lock (_gate)
        {
            if (!_tables.Contains(table))
            {
                throw new AwsServiceException(400, "ResourceNotFoundException", "Requested resource not found");
            }

            inTable = [.. _items.Where(e => e.Table == table).Select(e => (JsonObject)e.Item.DeepClone())];
        }

        switch (operation)
        {
            case "GetItem":
            {
                var key = request["Key"] as JsonObject ?? throw Validation("Key is required");
                var item = inTable.FirstOrDefault(i => key.All(k => JsonNode.DeepEquals(i[k.Key], k.Value)));
                if (item is null)
                {
                    return Task.FromResult(new JsonObject());
                }

                if (request["ProjectionExpression"]?.GetValue<string>() is { } projection)
                {
                    item = Project(item, projection, names);
                }

                return Task.FromResult(new JsonObject { ["Item"] = item });
            }

            case "Query":
            {
                var keyCondition = request["KeyConditionExpression"]?.GetValue<string>() ?? throw Validation("KeyConditionExpression is required");
                var keyMatches = inTable.Where(i => Matches(i, keyCondition, names, values)).ToList();
                var filter = request["FilterExpression"]?.GetValue<string>();
                var matches = filter is null ? keyMatches : [.. keyMatches.Where(i => Matches(i, filter, names, values))];
                var result = new JsonObject { ["Count"] = matches.Count, ["ScannedCount"] = keyMatches.Count };
                if (request["Select"]?.GetValue<string>() != "COUNT")
                {
                    result["Items"] = new JsonArray([.. matches]);
                }

                return Task.FromResult(result);
            }

            default:
                throw new NotSupportedException($"InMemoryDynamoDb has no {operation}");
        }
    }

    // "a = :x AND b.#c.d = :y": every comparison must hold; values compare as DynamoDB JSON ({"S": "…"}).
    private static bool Matches(JsonObject item, string expression, JsonObject? names, JsonObject? values)
    {
        foreach (var comparison in expression.Split(" AND ", StringSplitOptions.TrimEntries))
        {
            var sides = comparison.Split(" = ", StringSplitOptions.TrimEntries);
            if (sides.Length != 2 || !sides[1].StartsWith(':'))
            {
                throw new NotSupportedException($"InMemoryDynamoDb only compares a path with = to a :value, not '{comparison}'");
            }

            var expected = values?[sides[1]] ?? throw Validation($"ExpressionAttributeValues has no {sides[1]}");
            if (!JsonNode.DeepEquals(Resolve(item, Path(sides[0], names)), expected))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Path(string documentPath, JsonObject? names) =>
        [.. documentPath.Split('.').Select(part => part.StartsWith('#')
            ? names?[part]?.GetValue<string>() ?? throw Validation($"ExpressionAttributeNames has no {part}")
            : part)];

    private static JsonNode? Resolve(JsonObject item, string[] path)
    {
        JsonNode? value = item[path[0]];
        for (var i = 1; i < path.Length && value is not null; i++)
        {
            value = value["M"]?[path[i]];
        }

        return value;
    }

    // A document path keeps its nesting in the result, as DynamoDB's projection does.
    private static JsonObject Project(JsonObject item, string projection, JsonObject? names)
    {
        var projected = new JsonObject();
        foreach (var raw in projection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path(raw, names);
            if (Resolve(item, path) is not { } value)
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

        return projected;
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

    private static AwsServiceException Validation(string why) => new(400, "ValidationException", why);
}
