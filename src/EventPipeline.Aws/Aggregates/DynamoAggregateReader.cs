using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Topology;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// The aggregates table's read side: GetItem for one aggregate, one Query per page for lists and ranges (eventually
/// consistent, like any read a client makes after a push). The item layout is <see cref="AggregateItemMapper"/>'s: a
/// metric's total and live windows are one item; its evicted windows are items of their own, read with a consistent
/// query after the metric item so that a window evicted in between is found there ("the metric item wins"). A tenant's
/// entity kinds are read from the keys-only index <see cref="PipelineTopology.Tables.EntitiesByKindIndex"/>, partitioned
/// by tenant.
/// </summary>
public sealed class DynamoAggregateReader(IAmazonDynamoDB dynamo, string tableName) : IAggregateReader
{
    private const string Pk = PipelineTopology.Tables.PartitionKey;
    private const string Sk = PipelineTopology.Tables.SortKey;

    /// <inheritdoc />
    public async Task<StoredAggregate?> GetAsync(AggregateKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = tableName, Key = KeyOf(key.Pk, key.Sk) }, cancellationToken);
        return response.Item is { Count: > 0 } item && AggregateItemMapper.ToStored(item) is { } stored ? Public(stored) : null;
    }

    /// <inheritdoc />
    public async Task<AggregatePage> EntitiesAsync(string tenant, string kind, int limit, string? afterId, CancellationToken cancellationToken)
    {
        var partition = AggregateKey.EntityPartition(tenant, kind);
        var page = await dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "#pk = :pk",
                ExpressionAttributeNames = new() { ["#pk"] = Pk },
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = partition } },
                Limit = limit,
                ExclusiveStartKey = afterId is null ? null : KeyOf(partition, afterId),
            },
            cancellationToken);
        var next = page.LastEvaluatedKey is { Count: > 0 } last ? last[Sk].S : null;
        return new AggregatePage(Decode(page.Items), next);
    }

    /// <inheritdoc />
    public async Task<EntityRefPage> EntityRefsAsync(string tenant, EntityRef? after, int max, CancellationToken cancellationToken)
    {
        const string Tenant = PipelineTopology.Tables.TenantKey;
        const string Kind = PipelineTopology.Tables.EntityKindKey;
        var page = await dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = tableName,
                IndexName = PipelineTopology.Tables.EntitiesByKindIndex,
                KeyConditionExpression = "#t = :t",
                ProjectionExpression = "#k, #sk",
                ExpressionAttributeNames = new() { ["#t"] = Tenant, ["#k"] = Kind, ["#sk"] = Sk },
                ExpressionAttributeValues = new() { [":t"] = new AttributeValue { S = tenant } },
                Limit = max,
                // An index's start key names the index keys and the table keys of the last item read.
                ExclusiveStartKey = after is null ? null : new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                {
                    [Tenant] = new AttributeValue { S = tenant },
                    [Kind] = new AttributeValue { S = after.Kind },
                    [Pk] = new AttributeValue { S = AggregateKey.EntityPartition(tenant, after.Kind) },
                    [Sk] = new AttributeValue { S = after.Id },
                },
            },
            cancellationToken);
        var entities = page.Items.Select(i => new EntityRef(i[Kind].S, i[Sk].S)).ToList();
        var next = page.LastEvaluatedKey is { Count: > 0 } last ? new EntityRef(last[Kind].S, last[Sk].S) : null;
        return new EntityRefPage(entities, next);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredAggregate>> TotalsAsync(string tenant, int max, CancellationToken cancellationToken) =>
        (await QueryAllAsync(AggregateKey.TotalsPartition(tenant), null, null, max, consistent: false, cancellationToken)).Select(Public).ToList();

    /// <inheritdoc />
    public async Task<StoredMetric?> MetricAsync(string tenant, string metric, Granularity granularity, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var key = new TotalKey(tenant, metric);
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = tableName, Key = KeyOf(key.Pk, key.Sk) }, cancellationToken);
        if (response.Item is not { Count: > 0 } item || AggregateItemMapper.ToStored(item) is not { State: MetricState live } stored)
        {
            return null;
        }

        var windows = new SortedDictionary<WindowKey, StoredAggregate>(WindowOrder.Instance);
        foreach (var evicted in await QueryAllAsync(
            AggregateKey.WindowPartition(tenant, metric, granularity), Granularities.BucketLabel(from), Granularities.BucketLabel(to), max, consistent: true, cancellationToken))
        {
            if (evicted.State is WindowState w)
            {
                windows[w.WindowKey] = evicted;
            }
        }

        foreach (var (wk, w) in live.Windows)
        {
            if (wk.Granularity == granularity && wk.BucketStart >= from && wk.BucketStart <= to)
            {
                windows[wk] = new StoredAggregate(w, stored.Version, stored.Watermarks);
            }
        }

        return new StoredMetric(new StoredAggregate(live.Total, stored.Version, stored.Watermarks), windows.Values.Take(max).ToList());
    }

    /// <summary>What the read side shows of a stored item: a metric item's total stands for the metric.</summary>
    private static StoredAggregate Public(StoredAggregate stored) =>
        stored.State is MetricState m ? new StoredAggregate(m.Total, stored.Version, stored.Watermarks) : stored;

    private async Task<IReadOnlyList<StoredAggregate>> QueryAllAsync(string partition, string? fromSk, string? toSk, int max, bool consistent, CancellationToken ct)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = fromSk is null ? "#pk = :pk" : "#pk = :pk AND #sk BETWEEN :a AND :b",
                ExpressionAttributeNames = fromSk is null ? new() { ["#pk"] = Pk } : new() { ["#pk"] = Pk, ["#sk"] = Sk },
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = partition } },
                ExclusiveStartKey = start,
                ConsistentRead = consistent,
            };
            if (fromSk is not null)
            {
                request.ExpressionAttributeValues[":a"] = new AttributeValue { S = fromSk };
                request.ExpressionAttributeValues[":b"] = new AttributeValue { S = toSk };
            }

            var page = await dynamo.QueryAsync(request, ct);
            items.AddRange(page.Items);
            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null && items.Count < max);
        return Decode(items);
    }

    private static List<StoredAggregate> Decode(IEnumerable<Dictionary<string, AttributeValue>> items) =>
        items.Select(AggregateItemMapper.ToStored).OfType<StoredAggregate>().ToList();

    private static Dictionary<string, AttributeValue> KeyOf(string pk, string sk) => new(StringComparer.Ordinal)
    {
        [Pk] = new AttributeValue { S = pk },
        [Sk] = new AttributeValue { S = sk },
    };
}
