using System.Text.Json.Nodes;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Tests.Support;

/// <summary>Aggregates-shaped tables in moto's DynamoDB: pk/sk keys, entity attributes under <c>attrs.{name}.v</c>.</summary>
internal static class MotoTables
{
    public static async Task<string> CreateAggregatesAsync(IDynamoDbJsonClient dynamo)
    {
        var table = $"aggregates-{Guid.NewGuid():N}";
        await dynamo.SendAsync("CreateTable", JsonNode.Parse($$"""
            {"TableName":"{{table}}","BillingMode":"PAY_PER_REQUEST",
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]}
            """)!.AsObject(), CancellationToken.None);
        return table;
    }

    public static Task PutEntityAsync(IDynamoDbJsonClient dynamo, string table, string attribute, string value) =>
        dynamo.SendAsync("PutItem", new JsonObject { ["TableName"] = table, ["Item"] = Entity(attribute, value) }, CancellationToken.None);

    /// <summary>The ticket T-1 of tenant acme as AggregateItemMapper writes it: each attribute stamped with time, source and event.</summary>
    public static JsonObject Entity(string attribute, string value) => new()
    {
        ["pk"] = new JsonObject { ["S"] = "T#acme#E#ticket" },
        ["sk"] = new JsonObject { ["S"] = "T-1" },
        ["attrs"] = new JsonObject
        {
            ["M"] = new JsonObject
            {
                [attribute] = Stamped(value),
                ["priority"] = Stamped("2"),
            },
        },
    };

    private static JsonObject Stamped(string value) => new()
    {
        ["M"] = new JsonObject
        {
            ["v"] = new JsonObject { ["S"] = value },
            ["t"] = new JsonObject { ["S"] = "2026-11-22T10:00:00Z" },
            ["s"] = new JsonObject { ["S"] = "github" },
            ["e"] = new JsonObject { ["S"] = "evt-1" },
        },
    };
}
