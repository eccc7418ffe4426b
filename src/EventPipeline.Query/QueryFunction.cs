using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Aggregates;
using EventPipeline.Aws.Connections;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Query;

/// <summary>
/// REST reads of the caller's aggregates (HTTP API v2 payloads). The tenant always comes from the verified token's
/// claims, never from the URL, so another tenant's data cannot be addressed.
/// </summary>
/// <param name="dynamo">DynamoDB client.</param>
/// <param name="aggregatesTable">The aggregates table.</param>
/// <param name="changeLog">Change log (for <c>/channels/{channel}/changes</c>).</param>
/// <param name="clock">Clock.</param>
/// <param name="log">Structured log, one line per request (silent when null).</param>
/// <param name="metrics">EMF metrics, flushed once per request (none when null).</param>
public sealed class QueryFunction(IAmazonDynamoDB dynamo, string aggregatesTable, IChangeLog changeLog, TimeProvider clock, LambdaLog? log = null, EmfMetrics? metrics = null)
{
    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

    /// <summary>Most windows one metric query may return.</summary>
    public const int MaxWindows = 1440;

    /// <summary>Largest page of entities.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Lambda handler.</summary>
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var status = 500;
        try
        {
            var response = await HandleCoreAsync(request, cancellationToken);
            status = response.StatusCode;
            return response;
        }
        finally
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // The path and the tenant claim, never the Authorization header.
            _log.WithRequestId(context.AwsRequestId).Write(
                status >= 500 ? LambdaLogLevel.Error : LambdaLogLevel.Information,
                "query request",
                null,
                ("path", request.RawPath),
                ("tenant", request.RequestContext?.Authorizer?.Jwt?.Claims?.GetValueOrDefault(PipelineTopology.Auth.TenantClaim)),
                ("status", status),
                ("durationMs", Math.Round(elapsed, 1)));
            if (metrics is { } m)
            {
                m.Increment("Requests");
                m.Increment(status >= 500 ? "ServerErrors" : status >= 400 ? "ClientErrors" : "Successes");
                m.Increment("RequestDuration", elapsed, "Milliseconds");
                m.Flush();
            }
        }
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> HandleCoreAsync(APIGatewayHttpApiV2ProxyRequest request, CancellationToken cancellationToken)
    {
        var tenant = request.RequestContext.Authorizer?.Jwt?.Claims?.GetValueOrDefault(PipelineTopology.Auth.TenantClaim);
        if (!Names.IsValidTenant(tenant))
        {
            return Error(401, "unauthorized", "token", $"must carry a '{PipelineTopology.Auth.TenantClaim}' claim");
        }

        var method = request.RequestContext.Http.Method;
        if (!string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return Error(405, "method_not_allowed", "method", "must be GET");
        }

        var segments = request.RawPath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var q = request.QueryStringParameters ?? [];
        try
        {
            return segments switch
            {
                ["aggregates", "entities", var kind, var id] => await GetEntityAsync(tenant!, kind, id, cancellationToken),
                ["aggregates", "entities", var kind] => await ListEntitiesAsync(tenant!, kind, q, cancellationToken),
                ["aggregates", "metrics"] => await ListMetricsAsync(tenant!, cancellationToken),
                ["aggregates", "metrics", var name] => await GetMetricAsync(tenant!, name, q, cancellationToken),
                ["channels", .. var rest] when rest.Length >= 2 && rest[^1] == "changes" =>
                    await ChangesAsync(tenant!, string.Join('/', rest[..^1]), q, cancellationToken),
                _ => Error(404, "not_found", "path", "no such route"),
            };
        }
        catch (BadParameter bad)
        {
            return Error(400, "bad_request", bad.Field, bad.Rule);
        }
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> GetEntityAsync(string tenant, string kind, string id, CancellationToken ct)
    {
        CheckName("kind", kind);
        if (!Names.IsValidId(id))
        {
            throw new BadParameter("id", Names.IdRule);
        }

        var r = await dynamo.GetItemAsync(
            new GetItemRequest
            {
                TableName = aggregatesTable,
                Key = Key(AggregateKey.EntityPartition(tenant, kind), id),
            },
            ct);
        if (r.Item is not { Count: > 0 } item || AggregateItemMapper.FromItem(item) is not { } state)
        {
            return Error(404, "not_found", "id", $"no entity {kind}/{id}");
        }

        return Ok(w => AggregateJson.Write(w, state, AggregateItemMapper.VersionOf(item)));
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> ListEntitiesAsync(string tenant, string kind, Dictionary<string, string> q, CancellationToken ct)
    {
        CheckName("kind", kind);
        var limit = IntParam(q, "limit", 25, 1, MaxPageSize);
        Dictionary<string, AttributeValue>? start = null;
        if (q.TryGetValue("cursor", out var cursor) && cursor.Length > 0)
        {
            start = Key(AggregateKey.EntityPartition(tenant, kind), DecodeCursor(cursor));
        }

        var page = await dynamo.QueryAsync(
            new QueryRequest
            {
                TableName = aggregatesTable,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = AggregateKey.EntityPartition(tenant, kind) } },
                Limit = limit,
                ExclusiveStartKey = start,
            },
            ct);
        var next = page.LastEvaluatedKey is { Count: > 0 } lek ? EncodeCursor(lek["sk"].S) : null;
        return Ok(w =>
        {
            w.WriteString("kind", kind);
            w.WriteStartArray("items");
            foreach (var item in page.Items)
            {
                if (AggregateItemMapper.FromItem(item) is { } s)
                {
                    AggregateJson.Write(w, s, AggregateItemMapper.VersionOf(item));
                }
            }

            w.WriteEndArray();
            if (next is null)
            {
                w.WriteNull("nextCursor");
            }
            else
            {
                w.WriteString("nextCursor", next);
            }
        }, wrap: true);
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> ListMetricsAsync(string tenant, CancellationToken ct)
    {
        var items = await QueryAllAsync(AggregateKey.TotalsPartition(tenant), null, null, 10_000, ct);
        return Ok(w =>
        {
            w.WriteStartArray("metrics");
            foreach (var item in items)
            {
                if (AggregateItemMapper.FromItem(item) is { } s)
                {
                    AggregateJson.Write(w, s, AggregateItemMapper.VersionOf(item));
                }
            }

            w.WriteEndArray();
        }, wrap: true);
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> GetMetricAsync(string tenant, string name, Dictionary<string, string> q, CancellationToken ct)
    {
        CheckName("name", name);
        if (!q.TryGetValue("granularity", out var gs) || !Granularities.TryParse(gs, out var g))
        {
            throw new BadParameter("granularity", "required, one of: minute, hour, day");
        }

        var to = TimeParam(q, "to") ?? clock.GetUtcNow();
        var from = TimeParam(q, "from") ?? to - (g.Size() * 60);
        if (from >= to)
        {
            throw new BadParameter("from", "must be before 'to'");
        }

        if ((to - from).Ticks / g.Size().Ticks > MaxWindows)
        {
            throw new BadParameter("to", $"range must span at most {MaxWindows} {g.Name()} windows");
        }

        var total = await dynamo.GetItemAsync(new GetItemRequest { TableName = aggregatesTable, Key = Key(AggregateKey.TotalsPartition(tenant), name) }, ct);
        if (total.Item is not { Count: > 0 } totalItem || AggregateItemMapper.FromItem(totalItem) is not { } totalState)
        {
            return Error(404, "not_found", "name", $"no metric '{name}'");
        }

        var windows = await QueryAllAsync(
            AggregateKey.WindowPartition(tenant, name, g),
            Granularities.BucketLabel(g.BucketStart(from)),
            Granularities.BucketLabel(g.BucketStart(to)),
            MaxWindows + 1,
            ct);
        return Ok(w =>
        {
            w.WriteString("metric", name);
            w.WriteString("granularity", g.Name());
            w.WriteString("from", Granularities.BucketLabel(g.BucketStart(from)));
            w.WriteString("to", Granularities.BucketLabel(g.BucketStart(to)));
            w.WritePropertyName("total");
            AggregateJson.Write(w, totalState, AggregateItemMapper.VersionOf(totalItem));
            w.WriteStartArray("windows");
            foreach (var item in windows)
            {
                if (AggregateItemMapper.FromItem(item) is { } s)
                {
                    AggregateJson.Write(w, s, AggregateItemMapper.VersionOf(item));
                }
            }

            w.WriteEndArray();
        }, wrap: true);
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> ChangesAsync(string tenant, string channel, Dictionary<string, string> q, CancellationToken ct)
    {
        if (Channels.Validate(channel) is { } rule)
        {
            throw new BadParameter("channel", rule);
        }

        if (!q.TryGetValue("since", out var s) || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var since))
        {
            throw new BadParameter("since", "required, a non-negative integer sequence");
        }

        var limit = IntParam(q, "limit", 500, 1, 1000);
        var changes = await changeLog.ReadSinceAsync(tenant, channel, since, limit, ct);
        return Ok(w =>
        {
            w.WriteString("channel", channel);
            w.WriteNumber("since", since);
            w.WriteNumber("latest", changes.Latest);
            w.WriteBoolean("reload", changes.Gap);
            w.WriteStartArray("changes");
            foreach (var e in changes.Entries)
            {
                w.WriteRawValue(e.Payload, skipInputValidation: true);
            }

            w.WriteEndArray();
        }, wrap: true);
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(string pk, string? fromSk, string? toSk, int max, CancellationToken ct)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = aggregatesTable,
                KeyConditionExpression = fromSk is null ? "pk = :pk" : "pk = :pk AND sk BETWEEN :a AND :b",
                ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = pk } },
                ExclusiveStartKey = start,
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
        return items;
    }

    private static void CheckName(string field, string value)
    {
        if (!Names.IsValidName(value))
        {
            throw new BadParameter(field, Names.NameRule);
        }
    }

    private static int IntParam(Dictionary<string, string> q, string name, int fallback, int min, int max)
    {
        if (!q.TryGetValue(name, out var s))
        {
            return fallback;
        }

        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new BadParameter(name, $"must be an integer from {min} to {max}");
        }

        return v;
    }

    private static DateTimeOffset? TimeParam(Dictionary<string, string> q, string name)
    {
        if (!q.TryGetValue(name, out var s))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) || !s.Contains('T', StringComparison.Ordinal))
        {
            throw new BadParameter(name, "must be an ISO-8601 date-time, e.g. 2026-11-22T10:00:00Z");
        }

        return t;
    }

    private static string EncodeCursor(string sk) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + sk)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var s = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            if (s.StartsWith("v1:", StringComparison.Ordinal) && Names.IsValidId(s[3..]))
            {
                return s[3..];
            }
        }
        catch (FormatException)
        {
        }

        throw new BadParameter("cursor", "must be a cursor returned by a previous page");
    }

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        ["pk"] = new AttributeValue { S = pk },
        ["sk"] = new AttributeValue { S = sk },
    };

    private static APIGatewayHttpApiV2ProxyResponse Ok(Action<Utf8JsonWriter> write, bool wrap = false) => Json(200, w =>
    {
        if (wrap)
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        else
        {
            write(w);
        }
    });

    /// <summary>An error response naming the field and the rule.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Error(int status, string code, string field, string rule) => Json(status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", code);
        w.WriteString("field", field);
        w.WriteString("rule", rule);
        w.WriteString("message", $"{field}: {rule}");
        w.WriteEndObject();
    });

    private static APIGatewayHttpApiV2ProxyResponse Json(int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = status,
            Headers = new() { ["content-type"] = "application/json" },
            Body = Encoding.UTF8.GetString(buffer.WrittenSpan),
        };
    }

    private sealed class BadParameter(string field, string rule) : Exception($"{field}: {rule}")
    {
        public string Field { get; } = field;

        public string Rule { get; } = rule;
    }
}
