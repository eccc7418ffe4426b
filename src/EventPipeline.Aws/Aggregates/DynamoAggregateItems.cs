using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// The aggregates table as <see cref="IAggregateItems"/>: consistent batched reads (100 keys per request, unprocessed
/// keys retried with backoff) and conditional puts on the item's version (<see cref="AggregateItemMapper"/> holds the
/// item layout). The exactly-once protocol on top of it is the application's <c>AggregateWriter</c>. Every request asks
/// for its consumed capacity (TOTAL), so a wrapping client can count what DynamoDB bills.
/// </summary>
public sealed class DynamoAggregateItems(IAmazonDynamoDB dynamo, string tableName) : IAggregateItems
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<AggregateKey, StoredAggregate>> ReadAsync(IReadOnlyCollection<AggregateKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var items = await BatchGetAsync(keys, cancellationToken);
        var result = new Dictionary<AggregateKey, StoredAggregate>(items.Count);
        foreach (var (key, item) in items)
        {
            if (AggregateItemMapper.ToStored(item) is { } stored)
            {
                result[key] = stored;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<StoredAggregate?> ReadAsync(AggregateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = KeyOf(key), ConsistentRead = true, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? AggregateItemMapper.ToStored(item) : null;
    }

    /// <inheritdoc />
    public async Task<WriteResult> WriteAsync(StoredAggregate item, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var put = new PutItemRequest
        {
            TableName = tableName,
            Item = AggregateItemMapper.ToItem(item),
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            // The item that won comes back with the failure (strongly consistent, no read units): no re-read.
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        if (expectedVersion == 0)
        {
            put.ConditionExpression = "attribute_not_exists(pk)";
        }
        else
        {
            put.ConditionExpression = "#v = :v";
            put.ExpressionAttributeNames = new() { ["#v"] = AggregateItemMapper.Version };
            put.ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        }

        try
        {
            await dynamo.PutItemAsync(put, cancellationToken);
            return WriteResult.Written;
        }
        catch (ConditionalCheckFailedException e)
        {
            return WriteResult.Conflict(e.Item is { Count: > 0 } current ? AggregateItemMapper.ToStored(current) : null);
        }
        catch (AmazonDynamoDBException) when (!cancellationToken.IsCancellationRequested)
        {
            // Throttling beyond the SDK's retries, a refused key: this key fails for this attempt, the record is retried.
            return WriteResult.Unavailable;
        }
    }

    /// <inheritdoc />
    public async Task<WriteOutcome> StoreEvictedAsync(IReadOnlyCollection<WindowState> windows, long metricVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var outcome = WriteOutcome.Written;
        await Parallel.ForEachAsync(windows, cancellationToken, async (window, ct) =>
        {
            try
            {
                await dynamo.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = tableName,
                        Item = AggregateItemMapper.ToEvictedItem(window, metricVersion),

                        // An eviction from a later metric version holds newer statistics: never overwrite it with older ones.
                        ConditionExpression = "attribute_not_exists(pk) OR #e < :v",
                        ExpressionAttributeNames = new() { ["#e"] = AggregateItemMapper.EvictedAtVersion },
                        ExpressionAttributeValues = new() { [":v"] = new AttributeValue { N = metricVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                        ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                    },
                    ct);
            }
            catch (ConditionalCheckFailedException)
            {
                // Stored already by this eviction (a retry) or by a later one.
            }
            catch (AmazonDynamoDBException) when (!ct.IsCancellationRequested)
            {
                outcome = WriteOutcome.Unavailable;
            }
        });
        return outcome;
    }

    /// <summary>Reads the current items of <paramref name="keys"/> (consistent, 100 per request, unprocessed keys retried).</summary>
    public async Task<Dictionary<AggregateKey, Dictionary<string, AttributeValue>>> BatchGetAsync(IEnumerable<AggregateKey> keys, CancellationToken cancellationToken)
    {
        var result = new Dictionary<AggregateKey, Dictionary<string, AttributeValue>>();
        var byPkSk = new Dictionary<(string, string), AggregateKey>();
        foreach (var k in keys)
        {
            byPkSk[(k.Pk, k.Sk)] = k;
        }

        foreach (var chunk in byPkSk.Values.Chunk(100))
        {
            var pending = new KeysAndAttributes { ConsistentRead = true, Keys = chunk.Select(KeyOf).ToList() };
            for (var attempt = 0; pending.Keys.Count > 0; attempt++)
            {
                var response = await dynamo.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new() { [tableName] = pending }, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, cancellationToken);
                if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items))
                {
                    foreach (var item in items)
                    {
                        if (byPkSk.TryGetValue((item["pk"].S, item["sk"].S), out var k))
                        {
                            result[k] = item;
                        }
                    }
                }

                if (response.UnprocessedKeys is null || !response.UnprocessedKeys.TryGetValue(tableName, out var rest) || rest.Keys.Count == 0)
                {
                    break;
                }

                pending = rest;
                await Task.Delay(Backoff.Delay(attempt), cancellationToken);
            }
        }

        return result;
    }

    internal static Dictionary<string, AttributeValue> KeyOf(AggregateKey key) => new(StringComparer.Ordinal)
    {
        ["pk"] = new AttributeValue { S = key.Pk },
        ["sk"] = new AttributeValue { S = key.Sk },
    };
}
