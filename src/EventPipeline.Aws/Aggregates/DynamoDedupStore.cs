using System.Buffers.Binary;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// The dedup table as <see cref="IDedupStore"/>: the dedup fingerprints that no longer fit in their entity item, in
/// append-only chunks under the entity (partition <c>{entity pk}|{entity id}</c>, one item per move, fingerprints
/// packed 8 bytes each), kept for <paramref name="retention"/> by TTL. A chunk is written before the entity item that no
/// longer holds its fingerprints, so a reader that sees the entity item also sees the chunk (consistent query).
/// </summary>
public sealed class DynamoDedupStore(IAmazonDynamoDB dynamo, string tableName, TimeSpan retention) : IDedupStore
{
    /// <inheritdoc />
    public async Task<IReadOnlySet<ulong>> ReadAsync(EntityKey entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var found = new HashSet<ulong>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = tableName,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = PartitionOf(entity) } },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                if (item.TryGetValue("fp", out var fp) && fp.B is { } packed)
                {
                    var bytes = packed.ToArray();
                    for (var i = 0; i + 8 <= bytes.Length; i += 8)
                    {
                        found.Add(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i)));
                    }
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null);
        return found;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> AppendAsync(EntityKey entity, IReadOnlyCollection<ulong> fingerprints, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(fingerprints);
        var bytes = new byte[fingerprints.Count * 8];
        var i = 0;
        foreach (var f in fingerprints)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i), f);
            i += 8;
        }

        var until = now + retention;
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = tableName,
                    Item = new Dictionary<string, AttributeValue>
                    {
                        ["pk"] = new() { S = PartitionOf(entity) },

                        // Unique per move (a retried move leaves a harmless extra copy of fingerprints already applied).
                        ["sk"] = new() { S = $"{now.UtcTicks:x}#{Guid.NewGuid():N}" },
                        ["fp"] = new() { B = new MemoryStream(bytes) },
                        ["ttl"] = new() { N = until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                    },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken);
            return until;
        }
        catch (AmazonDynamoDBException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string PartitionOf(EntityKey entity) => $"{entity.Pk}|{entity.Sk}";
}
