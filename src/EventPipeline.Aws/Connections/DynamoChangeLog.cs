using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.Connections;

/// <summary>
/// Change log in DynamoDB: head item <c>C#{tenant}#{channel}</c>/<c>#head</c> holds the last sequence and which stream batch
/// took the last range; entries <c>C#{tenant}#{channel}</c>/<c>{sequence:D20}</c> expire after <paramref name="retention"/>.
/// </summary>
public sealed class DynamoChangeLog(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock, TimeSpan retention) : IChangeLog
{
    /// <summary>How long a range allocated and not yet appended counts as on its way (Publish's 10-minute record age, and margin).</summary>
    private const long InFlightSeconds = 15 * 60;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public async Task<long> AllocateAsync(string tenant, string channel, string batchId, int count, CancellationToken cancellationToken)
    {
        var key = Key(Pk(tenant, channel), "#head");
        try
        {
            var r = await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = tableName,
                    Key = key,
                    UpdateExpression = "SET lastBatch = :b, lastCount = :n, lastAt = :t ADD seq :n",
                    ConditionExpression = "attribute_not_exists(lastBatch) OR lastBatch <> :b",
                    ExpressionAttributeValues = new()
                    {
                        [":b"] = new AttributeValue { S = batchId },
                        [":n"] = new AttributeValue { N = count.ToString(Inv) },
                        [":t"] = new AttributeValue { N = clock.GetUtcNow().ToUnixTimeSeconds().ToString(Inv) },
                    },
                    ReturnValues = ReturnValue.UPDATED_NEW,
                },
                cancellationToken);
            return long.Parse(r.Attributes["seq"].N, Inv) - count + 1;
        }
        catch (ConditionalCheckFailedException)
        {
            // This batch already took its range: hand the same sequences back.
            var head = await dynamo.GetItemAsync(new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true }, cancellationToken);
            return long.Parse(head.Item["seq"].N, Inv) - long.Parse(head.Item["lastCount"].N, Inv) + 1;
        }
    }

    /// <inheritdoc />
    public async Task AppendAsync(string tenant, string channel, IReadOnlyList<ChangeEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ttl = (clock.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(Inv);
        var pk = Pk(tenant, channel);
        foreach (var chunk in entries.Chunk(25))
        {
            var writes = chunk.Select(e => new WriteRequest
            {
                PutRequest = new PutRequest
                {
                    Item = new()
                    {
                        ["pk"] = new AttributeValue { S = pk },
                        ["sk"] = new AttributeValue { S = e.Sequence.ToString("D20", Inv) },
                        ["payload"] = new AttributeValue { S = e.Payload },
                        ["ttl"] = new AttributeValue { N = ttl },
                    },
                },
            }).ToList();
            for (var attempt = 0; writes.Count > 0; attempt++)
            {
                var r = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = writes } }, cancellationToken);
                writes = r.UnprocessedItems is not null && r.UnprocessedItems.TryGetValue(tableName, out var rest) ? rest : [];
                if (writes.Count > 0)
                {
                    await Task.Delay(Backoff.Delay(attempt), cancellationToken);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<ChangesSince> ReadSinceAsync(string tenant, string channel, long since, int limit, CancellationToken cancellationToken)
    {
        var pk = Pk(tenant, channel);
        var head = await dynamo.GetItemAsync(new GetItemRequest { TableName = tableName, Key = Key(pk, "#head"), ConsistentRead = true }, cancellationToken);
        var latest = head.Item is { Count: > 0 } h && h.TryGetValue("seq", out var s) ? long.Parse(s.N, Inv) : 0;
        // The head's last allocation may still be on its way to the log: Publish allocates a range, then appends it.
        // Publish retries a batch for at most its mapping's maximum record age, so an older allocation is not in flight.
        var lastCount = head.Item is { Count: > 0 } hc && hc.TryGetValue("lastCount", out var c) ? long.Parse(c.N, Inv) : 0;
        var allocatedAt = head.Item is { Count: > 0 } ha && ha.TryGetValue("lastAt", out var t) ? long.Parse(t.N, Inv) : long.MinValue / 2;
        var inFlightFrom = clock.GetUtcNow().ToUnixTimeSeconds() - allocatedAt < InFlightSeconds ? latest - lastCount + 1 : long.MaxValue;
        if (since >= latest)
        {
            return new ChangesSince([], latest, Gap: false);
        }

        var page = await dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "pk = :pk AND sk BETWEEN :from AND :to",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = new AttributeValue { S = pk },
                    [":from"] = new AttributeValue { S = (since + 1).ToString("D20", Inv) },
                    [":to"] = new AttributeValue { S = latest.ToString("D20", Inv) },
                },
                Limit = limit,
                ConsistentRead = true,
            },
            cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var entries = new List<ChangeEntry>();
        foreach (var item in page.Items)
        {
            if (item.TryGetValue("ttl", out var ttl) && long.Parse(ttl.N, Inv) < now)
            {
                continue;
            }

            entries.Add(new ChangeEntry(long.Parse(item["sk"].S, Inv), item["payload"].S));
        }

        // Gap-free means: the first entry returned is exactly since + 1 and entries are consecutive. A hole in the last
        // allocation is not a gap but a range allocated and not yet appended: the log is read up to it, and its pushes
        // follow live (Publish posts them after appending). A hole below it is lost (expired): the reader reloads.
        var expected = since + 1;
        var consecutive = 0;
        foreach (var e in entries)
        {
            if (e.Sequence != expected)
            {
                break;
            }

            expected++;
            consecutive++;
        }

        // Complete, or one full page of a longer run (the caller asked for at most `limit`).
        if (expected > latest || (consecutive == entries.Count && page.LastEvaluatedKey is { Count: > 0 }))
        {
            return new ChangesSince(entries, latest, Gap: false);
        }

        return expected >= inFlightFrom
            ? new ChangesSince(entries.Take(consecutive).ToList(), expected - 1, Gap: false)
            : new ChangesSince([], latest, Gap: true);
    }

    private static string Pk(string tenant, string channel) => $"C#{tenant}#{channel}";

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        ["pk"] = new AttributeValue { S = pk },
        ["sk"] = new AttributeValue { S = sk },
    };
}
