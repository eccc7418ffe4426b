using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using EventPipeline.Aws.Aggregates;

namespace EventPipeline.Benchmarks;

/// <summary>
/// A DynamoDB Local client that adds up what AWS would bill: the consumed capacity DynamoDB Local returns for every
/// request that asks for it (ReturnConsumedCapacity = TOTAL), and, for conditional writes that fail — which AWS bills
/// but whose error carries no capacity — the write units of the item by DynamoDB's size rules (<see cref="ItemSize"/>).
/// It also records, per aggregates-table item written, the write units without the dedup attributes, so the caller can
/// split the bill into "floor" (the items the model must change) and "dedup". Reads: DynamoDB Local returns nothing for
/// a key whose item does not exist, but AWS bills a read of a missing item like one of a small item, so each read counts
/// the larger of DynamoDB Local's figure and the one computed by the rules (per key: its item's 4 KB units, at least 1;
/// half for an eventually consistent read).
/// </summary>
internal sealed class CapacityCountingDynamoDbClient(Uri endpoint, string aggregatesTable)
    : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" })
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<(string, string, string), int> _floorUnits = new();
    private readonly AsyncLocal<string?> _batch = new();
    private double _writeUnits;
    private double _readUnits;
    private double _dedupUnits;
    private double _failedConditionUnits;

    /// <summary>Write units consumed (returned by DynamoDB Local, plus computed ones for failed conditions).</summary>
    public double WriteUnits => Read(ref _writeUnits);

    /// <summary>Read units consumed (returned by DynamoDB Local).</summary>
    public double ReadUnits => Read(ref _readUnits);

    /// <summary>Write units spent on duplicate detection: the dedup attributes' share of entity writes, and dedup-table writes.</summary>
    public double DedupUnits => Read(ref _dedupUnits);

    /// <summary>Write units of failed conditional writes (computed: DynamoDB Local returns none for them).</summary>
    public double FailedConditionUnits => Read(ref _failedConditionUnits);

    /// <summary>
    /// When set, every aggregates-table item written successfully, in the order the writes returned: the new images the
    /// table's stream hands Publish.
    /// </summary>
    public ConcurrentQueue<Dictionary<string, AttributeValue>>? AggregateWrites { get; set; }

    /// <summary>The batch the calls of this async flow belong to (the floor counts each item once per batch).</summary>
    public string? Batch
    {
        get => _batch.Value;
        set => _batch.Value = value;
    }

    /// <summary>Returns and forgets the floor of the items written since the last call: each distinct item once per batch, at its latest size without dedup attributes.</summary>
    public int TakeFloor()
    {
        var sum = _floorUnits.Values.Sum();
        _floorUnits.Clear();
        return sum;
    }

    public override async Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var units = ItemSize.WriteUnits(ItemSize.Bytes(request.Item));
        try
        {
            var response = await base.PutItemAsync(request, cancellationToken);
            Add(ref _writeUnits, response.ConsumedCapacity?.CapacityUnits ?? units);
            Account(request.TableName, request.Item, response.ConsumedCapacity?.CapacityUnits ?? units);
            if (request.TableName == aggregatesTable)
            {
                AggregateWrites?.Enqueue(request.Item);
            }

            return response;
        }
        catch (ConditionalCheckFailedException)
        {
            Add(ref _writeUnits, units);
            Add(ref _failedConditionUnits, units);
            throw;
        }
    }

    public override async Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL;
        var response = await base.UpdateItemAsync(request, cancellationToken);
        Add(ref _writeUnits, response.ConsumedCapacity?.CapacityUnits ?? 1);
        return response;
    }

    /// <summary>Each item put counts its write units by the size rules (DynamoDB bills a batch's writes item by item).</summary>
    public override async Task<BatchWriteItemResponse> BatchWriteItemAsync(BatchWriteItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.BatchWriteItemAsync(request, cancellationToken);
        var units = 0;
        foreach (var (table, writes) in request.RequestItems)
        {
            // Unprocessed writes come back as new objects: matched by key, they are billed when they are sent again.
            var unprocessed = (response.UnprocessedItems?.GetValueOrDefault(table) ?? []).Select(KeyOf).ToHashSet();
            units += writes.Where(w => !unprocessed.Contains(KeyOf(w))).Sum(w => w.PutRequest is { } put ? ItemSize.WriteUnits(ItemSize.Bytes(put.Item)) : 1);
        }

        Add(ref _writeUnits, units);
        return response;
    }

    public override async Task<BatchGetItemResponse> BatchGetItemAsync(BatchGetItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.BatchGetItemAsync(request, cancellationToken);
        var computed = 0.0;
        foreach (var (table, keys) in request.RequestItems)
        {
            var found = response.Responses?.GetValueOrDefault(table) ?? [];
            var unprocessed = response.UnprocessedKeys?.GetValueOrDefault(table)?.Keys?.Count ?? 0;
            var missing = keys.Keys.Count - found.Count - unprocessed;
            var units = found.Sum(i => ItemSize.ReadUnits(ItemSize.Bytes(i))) + Math.Max(0, missing);
            computed += keys.ConsistentRead == true ? units : units / 2.0;
        }

        Add(ref _readUnits, Math.Max(computed, response.ConsumedCapacity?.Sum(c => c.CapacityUnits ?? 0) ?? 0));
        return response;
    }

    public override async Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.GetItemAsync(request, cancellationToken);
        var units = response.Item is { Count: > 0 } item ? ItemSize.ReadUnits(ItemSize.Bytes(item)) : 1;
        Add(ref _readUnits, Math.Max(request.ConsistentRead == true ? units : units / 2.0, response.ConsumedCapacity?.CapacityUnits ?? 0));
        return response;
    }

    public override async Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.QueryAsync(request, cancellationToken);
        var units = ItemSize.ReadUnits((response.Items ?? []).Sum(ItemSize.Bytes));
        Add(ref _readUnits, Math.Max(request.ConsistentRead == true ? units : units / 2.0, response.ConsumedCapacity?.CapacityUnits ?? 0));
        return response;
    }

    private static (string?, string?) KeyOf(WriteRequest w)
    {
        var key = w.PutRequest?.Item ?? w.DeleteRequest?.Key ?? [];
        return (key.GetValueOrDefault("pk")?.S, key.GetValueOrDefault("sk")?.S);
    }

    private void Account(string table, Dictionary<string, AttributeValue> item, double units)
    {
        if (table != aggregatesTable)
        {
            Add(ref _dedupUnits, units);
            return;
        }

        var without = item.Where(a => !AggregateItemMapper.DedupAttributes.Contains(a.Key)).ToDictionary();
        var floor = ItemSize.WriteUnits(ItemSize.Bytes(without));
        Add(ref _dedupUnits, Math.Max(0, units - floor));
        _floorUnits[(Batch ?? "", item["pk"].S, item["sk"].S)] = floor;
    }

    private void Add(ref double field, double value)
    {
        lock (_gate)
        {
            field += value;
        }
    }

    private double Read(ref double field)
    {
        lock (_gate)
        {
            return field;
        }
    }
}
