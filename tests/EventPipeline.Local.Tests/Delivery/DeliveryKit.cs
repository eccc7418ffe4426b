using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Application.DeadLetters;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>Helpers the delivery tests share: per-tenant counts, dead letters by sequence, connection ids, token keys.</summary>
internal static class DeliveryKit
{
    /// <summary>The tenant's <c>events</c> metric total (every applied canonical event counts once), 0 before any.</summary>
    public static async Task<long> EventCountAsync(this LocalStackFixture fx, string tenant)
    {
        var (status, body) = await fx.GetAsync("aggregates/metrics/events?granularity=minute", fx.Stack.IssueToken(tenant));
        return status == 200 && body.TryGetProperty("total", out var total) && total.TryGetProperty("count", out var c) ? c.GetInt64() : 0;
    }

    /// <summary>The entity view's eventCount, 0 when it does not exist.</summary>
    public static async Task<long> EntityCountAsync(this LocalStackFixture fx, string tenant, string kindAndId)
    {
        var (status, body) = await fx.GetAsync("aggregates/entities/" + kindAndId, fx.Stack.IssueToken(tenant));
        return status == 200 && body.TryGetProperty("eventCount", out var c) ? c.GetInt64() : 0;
    }

    /// <summary>Waits until <paramref name="probe"/> returns <paramref name="expected"/>.</summary>
    public static Task UntilAsync(Func<Task<long>> probe, long expected, string what, TimeSpan? timeout = null) =>
        LocalStackFixture.EventuallyAsync(async () => await probe() == expected ? "ok" : null, what, timeout);

    /// <summary>Dead letters of the given Kinesis sequence numbers (records this test put).</summary>
    public static async Task<List<DeadLetterEntry>> LettersAsync(this LocalStackFixture fx, IEnumerable<string> sequences)
    {
        var wanted = sequences.ToHashSet(StringComparer.Ordinal);
        return (await fx.Stack.DeadLetters.ListAsync(100_000, CancellationToken.None)).Where(l => wanted.Contains(l.SequenceNumber)).ToList();
    }

    /// <summary>An ingest envelope, as the webhook function writes it.</summary>
    public static byte[] Envelope(string tenant, string source, string body) =>
        Encoding.UTF8.GetBytes($$"""{"tenant":{{JsonSerializer.Serialize(tenant)}},"source":{{JsonSerializer.Serialize(source)}},"receivedAt":"{{DateTimeOffset.UtcNow:O}}","headers":{},"body":{{JsonSerializer.Serialize(body)}}}""");

    /// <summary>A Microsoft Graph change notification for one message, wrapped in an envelope.</summary>
    public static byte[] GraphNotification(string tenant, string resource, string messageId, string etag = "e1") =>
        Envelope(tenant, "graph", $$$"""{"value":[{"subscriptionId":"sub-{{{tenant}}}","changeType":"updated","resource":"{{{resource}}}","clientState":"local","tenantId":"t","resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"{{{resource}}}","@odata.etag":"{{{etag}}}","id":"{{{messageId}}}"}}]}""");

    /// <summary>Makes the fake Graph answer <paramref name="status"/> for <paramref name="resource"/>, or heals it (status null).</summary>
    public static async Task SetGraphFailureAsync(this LocalStackFixture fx, string resource, int? status)
    {
        using var request = status is { } s
            ? new HttpRequestMessage(HttpMethod.Put, $"fake/graph/failures/{resource}?status={s}")
            : new HttpRequestMessage(HttpMethod.Delete, $"fake/graph/failures/{resource}");
        request.Headers.Authorization = new("Bearer", fx.Stack.AdminToken);
        using var response = await fx.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Ids of the tenant's connections in the connections table (test-only scan; the product never scans).</summary>
    public static async Task<List<string>> ConnectionIdsAsync(this LocalStackFixture fx, string tenant)
    {
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await fx.Stack.Aws.DynamoDb.ScanAsync(new ScanRequest
            {
                TableName = fx.Stack.Settings.ConnectionsTable,
                FilterExpression = "tenant = :t AND sk = :m",
                ExpressionAttributeValues = new() { [":t"] = new AttributeValue { S = tenant }, [":m"] = new AttributeValue { S = "#meta" } },
                ExclusiveStartKey = start,
                ConsistentRead = true,
            });
            ids.AddRange(page.Items.Select(i => i["pk"].S["CONN#".Length..]));
            start = page.LastEvaluatedKey is { Count: > 0 } lek ? lek : null;
        }
        while (start is not null);
        return ids;
    }

    /// <summary>Items (the connection and its subscriptions) the connections table holds for one connection id.</summary>
    public static async Task<long> ConnectionItemCountAsync(this LocalStackFixture fx, string connectionId)
    {
        var page = await fx.Stack.Aws.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = fx.Stack.Settings.ConnectionsTable,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = "CONN#" + connectionId } },
            ConsistentRead = true,
        });
        return page.Count ?? 0;
    }

    /// <summary>The stack's token signing key (the fixture sets it), to sign tokens valid in every respect but the one under test.</summary>
    public static byte[] JwtKey(this LocalStackFixture fx) => System.Text.Encoding.UTF8.GetBytes(fx.SigningKey);

    /// <summary>Sequences of a client's pushes on one channel, in arrival order.</summary>
    public static List<long> Sequences(this TestSocket socket, string channel) =>
        socket.Changes(channel).Select(m => m.GetProperty("sequence").GetInt64()).ToList();

    /// <summary>The channel's latest sequence, from the change log's head item.</summary>
    public static async Task<long> LatestSequenceAsync(this LocalStackFixture fx, string tenant, string channel)
    {
        var log = new Aws.Connections.DynamoChangeLog(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.ChangeLogTable, TimeProvider.System, TimeSpan.FromHours(1));
        return (await log.ReadSinceAsync(tenant, channel, long.MaxValue - 1, 1, CancellationToken.None)).Latest;
    }
}
