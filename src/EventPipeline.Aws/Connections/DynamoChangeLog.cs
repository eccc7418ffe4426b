using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.Connections;

/// <summary>
/// Change log in DynamoDB: head item <c>C#{tenant}#{channel}</c>/<c>#head</c> holds the last sequence and which stream batch
/// took the last range. Entries are stored in pages: one item <c>C#{tenant}#{channel}</c>/<c>{first sequence:D20}</c> holds
/// the payloads of up to <see cref="MaxEntriesPerPage"/> consecutive sequences of one append (<see cref="Payloads"/>, in
/// order), so a batch's pushes on a channel are billed by their bytes, not one whole write unit each (a push is 300 B to
/// 1 KB: a page of 25 costs about half of 25 items). An item of the earlier layout, one entry with <see cref="Payload"/>,
/// is read as a page of one. Pages expire after <paramref name="retention"/>.
/// </summary>
public sealed class DynamoChangeLog(IAmazonDynamoDB dynamo, string tableName, TimeProvider clock, TimeSpan retention) : IChangeLog
{
    /// <summary>Most entries in one page item (a page also stays under <see cref="MaxPageBytes"/> of payload unless one entry alone is larger).</summary>
    public const int MaxEntriesPerPage = 25;

    /// <summary>
    /// Most payload bytes in a page of several entries. The page is one record on the table's stream, and 100 of them
    /// must fit the Bus function's 6 MB event: 32 KB keeps a batch of pages under 3.3 MB.
    /// </summary>
    public const int MaxPageBytes = 32 * 1024;

    /// <summary>A page's payloads (L of S), entry i at sequence <c>sk + i</c>.</summary>
    public const string Payloads = "payloads";

    /// <summary>The earlier layout's single payload (S), at sequence <c>sk</c>.</summary>
    public const string Payload = "payload";

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
    /// <remarks>The pages of every channel go out together, 25 to a BatchWriteItem, up to four requests at a time.</remarks>
    public async Task AppendAsync(IReadOnlyList<ChannelAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        var ttl = (clock.GetUtcNow() + retention).ToUnixTimeSeconds().ToString(Inv);
        var pages = appends.SelectMany(a => Pages(a.Entries).Select(page => new WriteRequest
        {
            PutRequest = new PutRequest
            {
                Item = new()
                {
                    ["pk"] = new AttributeValue { S = Pk(a.Tenant, a.Channel) },
                    ["sk"] = new AttributeValue { S = page[0].Sequence.ToString("D20", Inv) },
                    [Payloads] = new AttributeValue { L = page.Select(e => new AttributeValue { S = e.Payload }).ToList() },
                    ["ttl"] = new AttributeValue { N = ttl },
                },
            },
        }));
        await Parallel.ForEachAsync(
            pages.Chunk(25),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                var writes = chunk.ToList();
                for (var attempt = 0; writes.Count > 0; attempt++)
                {
                    var r = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [tableName] = writes } }, ct);
                    writes = r.UnprocessedItems is not null && r.UnprocessedItems.TryGetValue(tableName, out var rest) ? rest : [];
                    if (writes.Count > 0)
                    {
                        await Task.Delay(Backoff.Delay(attempt), ct);
                    }
                }
            });
    }

    /// <summary>
    /// The entries cut into pages of consecutive sequences: a new page at <see cref="MaxEntriesPerPage"/> entries, before
    /// the payloads would pass <see cref="MaxPageBytes"/>, and at a break in the sequences. The same entries always give
    /// the same pages, so a redelivered batch rewrites the same items.
    /// </summary>
    public static IEnumerable<IReadOnlyList<ChangeEntry>> Pages(IEnumerable<ChangeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var page = new List<ChangeEntry>(MaxEntriesPerPage);
        var bytes = 0;
        foreach (var e in entries.OrderBy(e => e.Sequence))
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(e.Payload);
            if (page.Count > 0 && (page.Count == MaxEntriesPerPage || bytes + size > MaxPageBytes || e.Sequence != page[^1].Sequence + 1))
            {
                yield return page;
                (page, bytes) = (new List<ChangeEntry>(MaxEntriesPerPage), 0);
            }

            page.Add(e);
            bytes += size;
        }

        if (page.Count > 0)
        {
            yield return page;
        }
    }

    /// <summary>
    /// The entries an item holds: a page's payloads at <c>first</c>, <c>first + 1</c>, …, or the earlier layout's one
    /// payload at <c>first</c>; none for anything else (the head).
    /// </summary>
    public static IEnumerable<ChangeEntry> EntriesOf(long first, IReadOnlyList<string>? payloads, string? payload)
    {
        if (payloads is not null)
        {
            for (var i = 0; i < payloads.Count; i++)
            {
                yield return new ChangeEntry(first + i, payloads[i]);
            }
        }
        else if (payload is not null)
        {
            yield return new ChangeEntry(first, payload);
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

        // The page holding since + 1 may start before it: the last page that starts at or before it comes first, then the
        // pages that start after it, in order, until there are `limit` entries. A page holds 1 to 25 entries, so the
        // pages are asked for as if full and the query goes on while entries are short.
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var read = new SortedDictionary<long, ChangeEntry>();
        await QueryPagesAsync(pk, 0, since + 1, forward: false, 1, null, since, latest, now, read, cancellationToken);
        Dictionary<string, AttributeValue>? next = null;
        var more = false;
        do
        {
            var wanted = Math.Max(1, (limit - read.Count + MaxEntriesPerPage - 1) / MaxEntriesPerPage) + 1;
            next = await QueryPagesAsync(pk, since + 2, latest, forward: true, wanted, next, since, latest, now, read, cancellationToken);
            more = next is not null;
        }
        while (more && read.Count < limit);

        more |= read.Count > limit;
        var entries = read.Values.Take(limit).ToList();

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
        if (expected > latest || (consecutive == entries.Count && more))
        {
            return new ChangesSince(entries, latest, Gap: false);
        }

        return expected >= inFlightFrom
            ? new ChangesSince(entries.Take(consecutive).ToList(), expected - 1, Gap: false)
            : new ChangesSince([], latest, Gap: true);
    }

    /// <summary>
    /// One query of the pages whose first sequence is in [<paramref name="from"/>, <paramref name="to"/>]; adds their live
    /// entries after <paramref name="since"/> up to <paramref name="latest"/> (the first copy of a sequence wins) and
    /// returns where the next page of results starts, or null.
    /// </summary>
    private async Task<Dictionary<string, AttributeValue>?> QueryPagesAsync(
        string pk, long from, long to, bool forward, int limit, Dictionary<string, AttributeValue>? start, long since, long latest, long now,
        SortedDictionary<long, ChangeEntry> read, CancellationToken cancellationToken)
    {
        if (from > to)
        {
            return null;
        }

        var page = await dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "pk = :pk AND sk BETWEEN :from AND :to",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = new AttributeValue { S = pk },
                    [":from"] = new AttributeValue { S = from.ToString("D20", Inv) },
                    [":to"] = new AttributeValue { S = to.ToString("D20", Inv) },
                },
                ScanIndexForward = forward,
                Limit = limit,
                ExclusiveStartKey = start,
                ConsistentRead = true,
            },
            cancellationToken);
        foreach (var item in page.Items)
        {
            if (item.TryGetValue("ttl", out var ttl) && long.Parse(ttl.N, Inv) < now)
            {
                continue;
            }

            var payloads = item.TryGetValue(Payloads, out var l) && l.L is { Count: > 0 } list ? list.Select(v => v.S).ToList() : null;
            var payload = item.TryGetValue(Payload, out var single) ? single.S : null;
            foreach (var e in EntriesOf(long.Parse(item["sk"].S, Inv), payloads, payload))
            {
                if (e.Sequence > since && e.Sequence <= latest)
                {
                    read.TryAdd(e.Sequence, e);
                }
            }
        }

        return page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
    }

    private static string Pk(string tenant, string channel) => $"C#{tenant}#{channel}";

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        ["pk"] = new AttributeValue { S = pk },
        ["sk"] = new AttributeValue { S = sk },
    };
}
