using System.Globalization;
using System.Text.Json;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Query;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Topology;

namespace EventPipeline.Query;

/// <summary>
/// REST reads of the caller's aggregates (HTTP API v2 payloads) → <see cref="AggregateQueries"/>. Dispatches on the
/// route key API Gateway matched (<see cref="PipelineTopology.HttpRoutes.Query"/>) and its path parameters; the tenant
/// always comes from the verified token's claims, never from the URL, so another tenant's data cannot be addressed.
/// </summary>
/// <param name="queries">The read use cases.</param>
/// <param name="log">Structured log, one line per request (silent when null).</param>
/// <param name="metrics">EMF metrics, flushed once per request (none when null).</param>
public sealed class QueryFunction(AggregateQueries queries, LambdaLog? log = null, EmfMetrics? metrics = null)
{
    private const string EntityCursorTag = "v1";
    private const string KindCursorTag = "k1";

    private readonly LambdaLog _log = log ?? new LambdaLog(TextWriter.Null);

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

    private async Task<APIGatewayHttpApiV2ProxyResponse> HandleCoreAsync(APIGatewayHttpApiV2ProxyRequest request, CancellationToken ct)
    {
        var tenant = request.RequestContext.Authorizer?.Jwt?.Claims?.GetValueOrDefault(PipelineTopology.Auth.TenantClaim);
        if (!Names.IsValidTenant(tenant))
        {
            return HttpApiResponses.Error(401, "unauthorized", "token", $"must carry a '{PipelineTopology.Auth.TenantClaim}' claim");
        }

        var p = request.PathParameters ?? [];
        var q = request.QueryStringParameters ?? [];
        try
        {
            switch (request.RouteKey)
            {
                case PipelineTopology.HttpRoutes.ListEntityKinds:
                    {
                        var after = q.TryGetValue("cursor", out var cursor) && cursor.Length > 0 ? DecodeKindCursor(cursor) : null;
                        return Render(await queries.EntityKindsAsync(tenant!, IntParam(q, "limit", AggregateQueries.MaxPageSize), after, ct), (w, page) =>
                        {
                            w.WriteStartObject();
                            w.WriteStartArray("kinds");
                            foreach (var k in page.Kinds)
                            {
                                w.WriteStartObject();
                                w.WriteString("kind", k.Kind);
                                w.WriteNumber("count", k.Count);
                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                            if (page.Next is { } next)
                            {
                                w.WriteString("nextCursor", PageCursor.Encode(KindCursorTag, next.Counted.ToString(CultureInfo.InvariantCulture), next.Kind, next.AfterId));
                            }
                            else
                            {
                                w.WriteNull("nextCursor");
                            }

                            w.WriteEndObject();
                        });
                    }

                case PipelineTopology.HttpRoutes.GetEntity:
                    return Render(await queries.EntityAsync(tenant!, Path(p, "kind"), Path(p, "id"), ct), Render);
                case PipelineTopology.HttpRoutes.ListEntities:
                    {
                        var kind = Path(p, "kind");
                        var after = q.TryGetValue("cursor", out var cursor) && cursor.Length > 0 ? DecodeEntityCursor(cursor) : null;
                        return Render(await queries.EntitiesAsync(tenant!, kind, IntParam(q, "limit", 25), after, ct), (w, page) =>
                        {
                            w.WriteStartObject();
                            w.WriteString("kind", kind);
                            WriteArray(w, "items", page.Items);
                            if (page.NextAfter is null)
                            {
                                w.WriteNull("nextCursor");
                            }
                            else
                            {
                                w.WriteString("nextCursor", PageCursor.Encode(EntityCursorTag, page.NextAfter));
                            }

                            w.WriteEndObject();
                        });
                    }

                case PipelineTopology.HttpRoutes.ListMetrics:
                    {
                        var totals = await queries.MetricsAsync(tenant!, ct);
                        return HttpApiResponses.Json(200, w => WriteArray(w, "metrics", totals));
                    }

                case PipelineTopology.HttpRoutes.GetMetric:
                    return Render(
                        await queries.MetricAsync(tenant!, Path(p, "name"), q.GetValueOrDefault("granularity"), TimeParam(q, "from"), TimeParam(q, "to"), ct),
                        (w, m) =>
                        {
                            w.WriteStartObject();
                            w.WriteString("metric", m.Metric);
                            w.WriteString("granularity", m.Granularity.Name());
                            w.WriteString("from", Granularities.BucketLabel(m.From));
                            w.WriteString("to", Granularities.BucketLabel(m.To));
                            w.WritePropertyName("total");
                            AggregateJson.Write(w, m.Total.State, m.Total.Version);
                            WriteArray(w, "windows", m.Windows);
                            w.WriteEndObject();
                        });
                case PipelineTopology.HttpRoutes.ChannelChanges when Path(p, "channel") is var path && path.EndsWith("/changes", StringComparison.Ordinal):
                    {
                        var channel = path[..^"/changes".Length];
                        if (!q.TryGetValue("since", out var s) || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var since))
                        {
                            throw new BadParameter("since", "required, a non-negative integer sequence");
                        }

                        return Render(await queries.ChangesAsync(tenant!, channel, since, IntParam(q, "limit", 500), ct), (w, changes) =>
                        {
                            w.WriteStartObject();
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
                            w.WriteEndObject();
                        });
                    }

                default:
                    return HttpApiResponses.Error(404, "not_found", "path", "no such route");
            }
        }
        catch (BadParameter bad)
        {
            return HttpApiResponses.Error(400, "bad_request", bad.Field, bad.Rule);
        }
    }

    /// <summary>The answer as JSON, or its 400/404 naming the field and the rule.</summary>
    private static APIGatewayHttpApiV2ProxyResponse Render<T>(QueryOutcome<T> outcome, Action<Utf8JsonWriter, T> write)
        where T : class
    {
        if (outcome.Value is { } value)
        {
            return HttpApiResponses.JsonValue(200, w => write(w, value));
        }

        var problem = outcome.Problem!;
        return outcome.Failure == QueryFailure.NotFound
            ? HttpApiResponses.Error(404, "not_found", problem.Field, problem.Rule)
            : HttpApiResponses.Error(400, "bad_request", problem.Field, problem.Rule);
    }

    private static void Render(Utf8JsonWriter w, StoredAggregate stored) => AggregateJson.Write(w, stored.State, stored.Version);

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<StoredAggregate> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            AggregateJson.Write(w, item.State, item.Version);
        }

        w.WriteEndArray();
    }

    private static string Path(Dictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) ? value : throw new BadParameter(name, "required path parameter");

    private static int IntParam(Dictionary<string, string> q, string name, int fallback)
    {
        if (!q.TryGetValue(name, out var s))
        {
            return fallback;
        }

        // Not a number: out of every range, so the use case names the range in its rule.
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
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

    private static string DecodeEntityCursor(string cursor) =>
        PageCursor.Decode(cursor, EntityCursorTag, 1) is [var id] && Names.IsValidId(id) ? id : throw BadCursor();

    private static EntityKindCursor DecodeKindCursor(string cursor) =>
        PageCursor.Decode(cursor, KindCursorTag, 3) is [var counted, var kind, var id] && long.TryParse(counted, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? new EntityKindCursor(kind, id, n)
            : throw BadCursor();

    private static BadParameter BadCursor() => new("cursor", "must be a cursor returned by a previous page");

    private sealed class BadParameter(string field, string rule) : Exception($"{field}: {rule}")
    {
        public string Field { get; } = field;

        public string Rule { get; } = rule;
    }
}
