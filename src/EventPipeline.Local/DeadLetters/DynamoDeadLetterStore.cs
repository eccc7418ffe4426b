using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.DeadLetters;

namespace EventPipeline.Local.DeadLetters;

/// <summary>
/// The local stack's dead-letter store: items in DynamoDB Local (table <c>operations</c>, pk <c>DLQ</c>, sk the entry id),
/// so entries survive with the emulator and the CLI can list and redrive them.
/// </summary>
public sealed class DynamoDeadLetterStore(IAmazonDynamoDB dynamo, string tableName) : IDeadLetterStore
{
    private const string Pk = "DLQ";

    /// <inheritdoc />
    public async Task SendAsync(IReadOnlyList<DeadLetterEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var e in entries)
        {
            // Re-dead-lettering a redelivered record keeps the first entry (and its redrive count).
            try
            {
                await dynamo.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = tableName,
                        Item = ToItem(e),
                        ConditionExpression = "attribute_not_exists(pk)",
                    },
                    cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetterEntry>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var result = new List<DeadLetterEntry>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = tableName,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = Pk } },
                    ExclusiveStartKey = start,
                    ConsistentRead = true,
                },
                cancellationToken);
            result.AddRange(page.Items.Select(FromItem));
            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null && result.Count < limit);
        return result.OrderBy(e => e.DeadLetteredAt).Take(limit).ToList();
    }

    /// <inheritdoc />
    public async Task<DeadLetterEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var r = await dynamo.GetItemAsync(
            new GetItemRequest
            {
                TableName = tableName,
                Key = new() { ["pk"] = new AttributeValue { S = Pk }, ["sk"] = new AttributeValue { S = id } },
                ConsistentRead = true,
            },
            cancellationToken);
        return r.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    /// <inheritdoc />
    public Task MarkRedrivenAsync(string id, CancellationToken cancellationToken) =>
        dynamo.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = tableName,
                Key = new() { ["pk"] = new AttributeValue { S = Pk }, ["sk"] = new AttributeValue { S = id } },
                UpdateExpression = "ADD redriveCount :one",
                ExpressionAttributeValues = new() { [":one"] = new AttributeValue { N = "1" } },
            },
            cancellationToken);

    private static Dictionary<string, AttributeValue> ToItem(DeadLetterEntry e) => new()
    {
        ["pk"] = new AttributeValue { S = Pk },
        ["sk"] = new AttributeValue { S = e.Id },
        ["entry"] = new AttributeValue { S = JsonSerializer.Serialize(e, DeadLetterJsonContext.Default.DeadLetterEntry) },
        ["redriveCount"] = new AttributeValue { N = e.RedriveCount.ToString(CultureInfo.InvariantCulture) },
    };

    private static DeadLetterEntry FromItem(Dictionary<string, AttributeValue> item)
    {
        var e = JsonSerializer.Deserialize(item["entry"].S, DeadLetterJsonContext.Default.DeadLetterEntry) ?? new DeadLetterEntry();
        if (item.TryGetValue("redriveCount", out var rc) && rc.N is { } n)
        {
            e.RedriveCount = int.Parse(n, CultureInfo.InvariantCulture);
        }

        return e;
    }
}
