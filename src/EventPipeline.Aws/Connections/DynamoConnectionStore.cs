using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Topology;

namespace EventPipeline.Aws.Connections;

/// <summary>
/// Connections table layout: <c>CONN#{id}</c>/<c>#meta</c> holds the tenant; <c>CONN#{id}</c>/<c>SUB#{sha256(channel)}</c> is a
/// subscription, indexed by <c>gsi1pk = {tenant}#{channel}</c> so the publisher finds subscribers with one query.
/// Items expire (TTL) with API Gateway's 2-hour connection limit.
/// </summary>
public sealed class DynamoConnectionStore(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock) : IConnectionStore
{
    /// <inheritdoc />
    public Task AddAsync(ConnectionInfo connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return dynamo.PutItemAsync(
            new PutItemRequest
            {
                TableName = tableName,
                Item = new()
                {
                    ["pk"] = S(Pk(connection.ConnectionId)),
                    ["sk"] = S("#meta"),
                    ["tenant"] = S(connection.Tenant),
                    ["connectedAt"] = S(connection.ConnectedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)),
                    [PipelineTopology.Tables.TimeToLive] = Ttl(connection.ConnectedAt),
                },
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        var r = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = Key(Pk(connectionId), "#meta"), ConsistentRead = true },
            cancellationToken);
        if (r.Item is not { Count: > 0 } item)
        {
            return null;
        }

        return new ConnectionInfo(
            connectionId,
            item["tenant"].S,
            DateTimeOffset.Parse(item["connectedAt"].S, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
    }

    /// <inheritdoc />
    public Task SubscribeAsync(ConnectionInfo connection, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return dynamo.PutItemAsync(
            new PutItemRequest
            {
                TableName = tableName,
                Item = new()
                {
                    ["pk"] = S(Pk(connection.ConnectionId)),
                    ["sk"] = S(SubscriptionSortKey(channel)),
                    [PipelineTopology.Tables.ChannelKey] = S(IndexKey(connection.Tenant, channel)),
                    [PipelineTopology.Tables.ChannelSortKey] = S(connection.ConnectionId),
                    ["channel"] = S(channel),
                    ["tenant"] = S(connection.Tenant),
                    [PipelineTopology.Tables.TimeToLive] = Ttl(connection.ConnectedAt),
                },
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(string connectionId, string channel, CancellationToken cancellationToken) =>
        dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = tableName, Key = Key(Pk(connectionId), SubscriptionSortKey(channel)) }, cancellationToken);

    /// <inheritdoc />
    public async Task RemoveAsync(string connectionId, CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = tableName,
                    KeyConditionExpression = "pk = :pk",
                    ExpressionAttributeValues = new() { [":pk"] = S(Pk(connectionId)) },
                    ProjectionExpression = "pk, sk",
                    ExclusiveStartKey = start,
                },
                cancellationToken);
            foreach (var chunk in page.Items.Chunk(25))
            {
                var writes = chunk.Select(i => new WriteRequest { DeleteRequest = new DeleteRequest { Key = Key(i["pk"].S, i["sk"].S) } }).ToList();
                while (writes.Count > 0)
                {
                    var r = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = writes } }, cancellationToken);
                    writes = r.UnprocessedItems is not null && r.UnprocessedItems.TryGetValue(tableName, out var rest) ? rest : [];
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> SubscribersAsync(string tenant, string channel, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(
                new QueryRequest
                {
                    TableName = tableName,
                    IndexName = PipelineTopology.Tables.ConnectionsByChannelIndex,
                    KeyConditionExpression = "#k = :k",
                    ExpressionAttributeNames = new() { ["#k"] = PipelineTopology.Tables.ChannelKey },
                    ExpressionAttributeValues = new() { [":k"] = S(IndexKey(tenant, channel)) },
                    ExclusiveStartKey = start,
                },
                cancellationToken);
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var item in page.Items)
            {
                // DynamoDB deletes expired items lazily (and DynamoDB Local never): treat them as gone.
                if (item.TryGetValue(PipelineTopology.Tables.TimeToLive, out var ttl) && long.Parse(ttl.N, CultureInfo.InvariantCulture) < now)
                {
                    continue;
                }

                ids.Add(item[PipelineTopology.Tables.ChannelSortKey].S);
            }

            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null);
        return ids;
    }

    /// <summary>
    /// A subscription's sort key: a digest of the channel, because a sort key holds at most 1,024 bytes and the longest
    /// valid channel (<see cref="Channels.MaxBytes"/>) is longer. The channel itself is kept in the <c>channel</c> attribute.
    /// </summary>
    public static string SubscriptionSortKey(string channel) =>
        "SUB#" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(channel)));

    /// <summary>Index key: the tenant is always part of it, so a channel name alone never reaches another tenant.</summary>
    public static string IndexKey(string tenant, string channel) => $"{tenant}#{channel}";

    private static string Pk(string connectionId) => "CONN#" + connectionId;

    private AttributeValue Ttl(DateTimeOffset connectedAt)
    {
        var expires = connectedAt + PipelineTopology.ConnectionLifetime;
        if (expires < clock.GetUtcNow())
        {
            expires = clock.GetUtcNow() + PipelineTopology.ConnectionLifetime;
        }

        return new AttributeValue { N = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
    }

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new() { ["pk"] = S(pk), ["sk"] = S(sk) };

    private static AttributeValue S(string s) => new() { S = s };
}
