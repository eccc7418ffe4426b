using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Topology;

using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.Reminders;

/// <summary>
/// <see cref="IIdempotencyStore"/> on the operations table: item <c>pk = REMINDER#{executionName}</c>, <c>sk = idempotency</c>,
/// <c>inputHash</c>, and a TTL of 91 days (Step Functions keeps execution names reserved for 90).
/// </summary>
public sealed class DynamoDbIdempotencyStore(IAmazonDynamoDB dynamoDb, string tableName, TimeProvider? clock = null) : IIdempotencyStore
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(91);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<string> GetOrAddInputHashAsync(string executionName, string inputHash, CancellationToken cancellationToken)
    {
        var key = new Dictionary<string, AttributeValue>
        {
            [PipelineTopology.Tables.PartitionKey] = new() { S = "REMINDER#" + executionName },
            [PipelineTopology.Tables.SortKey] = new() { S = "idempotency" },
        };
        var item = new Dictionary<string, AttributeValue>(key)
        {
            ["inputHash"] = new() { S = inputHash },
            [PipelineTopology.Tables.TimeToLive] = new()
            {
                N = (_clock.GetUtcNow() + Retention).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
        };
        try
        {
            await dynamoDb.PutItemAsync(
                new PutItemRequest
                {
                    TableName = tableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk)",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = PipelineTopology.Tables.PartitionKey },
                },
                cancellationToken);
            return inputHash;
        }
        catch (ConditionalCheckFailedException)
        {
            var existing = await dynamoDb.GetItemAsync(
                new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true },
                cancellationToken);
            return existing.Item?.GetValueOrDefault("inputHash")?.S
                ?? throw new InvalidOperationException($"idempotency record for {executionName} has no inputHash");
        }
    }
}
