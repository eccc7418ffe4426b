using System.Text.Json;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Contract;

/// <summary>docs/api against the code's one definition of routes and messages, and the validator against known shapes.</summary>
public sealed class ApiDocumentTests
{
    private static readonly ApiContract Contract = ApiContract.Current;

    [Fact]
    public void OpenApi_DocumentedRoutes_AreExactlyTheTopologysHttpRoutes()
    {
        Assert.Equal(PipelineTopology.HttpRoutes.All.Order(StringComparer.Ordinal), Contract.RouteKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OpenApi_Security_JwtOnQueryAndReminderRoutesNoneOnWebhooks()
    {
        var global = Contract.OpenApi.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).ToList();
        Assert.Equal(["bearerJwt"], global);
        foreach (var key in PipelineTopology.HttpRoutes.All)
        {
            var (method, path) = (key.Split(' ')[0].ToLowerInvariant(), key.Split(' ')[1]);
            var operation = Contract.OpenApi.GetProperty("paths").GetProperty(path).GetProperty(method);
            var open = operation.TryGetProperty("security", out var own) && own.GetArrayLength() == 0;
            Assert.True(open == PipelineTopology.HttpRoutes.Webhook.Contains(key), $"{key}: documented {(open ? "without" : "with")} the JWT");
        }
    }

    [Fact]
    public void AsyncApi_ClientMessages_AreTheWebSocketRoutesActions()
    {
        var actions = Contract.ClientMessages.Select(m => Contract.AsyncApi.GetProperty("components").GetProperty("schemas")
            .EnumerateObject().Single(s => s.Value.TryGetProperty("properties", out var p) && p.TryGetProperty("action", out var a) && a.GetProperty("const").GetString() == m).Value
            .GetProperty("properties").GetProperty("action").GetProperty("const").GetString());

        Assert.Equal(
            new[] { PipelineTopology.WebSocketRoutes.Subscribe, PipelineTopology.WebSocketRoutes.Unsubscribe, PipelineTopology.WebSocketRoutes.Ping }.Order(StringComparer.Ordinal),
            actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CheckResponse_EntityViewWithoutVersion_NamesTheMissingProperty()
    {
        var problems = Contract.CheckResponse("GET", "/aggregates/entities/order/1", 200, "application/json",
            """{"kind":"entity","entity":{"kind":"order","id":"1"},"attributes":{},"eventCount":1,"sources":[]}""");

        Assert.Contains(problems!, p => p.Contains("version", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/aggregates/entities", 200, """{"kinds":[{"kind":"order","count":2}],"nextCursor":null}""")]
    [InlineData("GET", "/channels/entity/order/1/changes", 200, """{"channel":"entity/order/1","since":0,"latest":1,"reload":false,"changes":[{"type":"change","channel":"entity/order/1","sequence":1,"data":{"kind":"entity","version":1,"entity":{"kind":"order","id":"1"},"attributes":{"status":"new"},"eventCount":1,"firstEventAt":"2026-12-01T10:00:00Z","lastEventAt":"2026-12-01T10:00:00Z","sources":["cloudevents"]}}]}""")]
    [InlineData("GET", "/aggregates/metrics", 401, """{"message":"Unauthorized"}""")]
    [InlineData("POST", "/reminders", 400, """{"error":"bad_request","field":"message","rule":"r","message":"message: r","errors":[{"field":"message","rule":"r"}]}""")]
    public void CheckResponse_DocumentedShape_NoProblem(string method, string path, int status, string body)
    {
        Assert.Empty(Contract.CheckResponse(method, path, status, "application/json", body)!);
    }

    [Theory]
    [InlineData("GET", "/aggregates/entities", 200, """{"kinds":[{"kind":"order","count":"2"}],"nextCursor":null}""", "count")]
    [InlineData("GET", "/aggregates/entities", 418, """{}""", "418")]
    [InlineData("GET", "/aggregates/metrics/events", 200, """{"metric":"events","granularity":"week","from":"2026-12-01T10:00:00Z","to":"2026-12-01T11:00:00Z","total":{"kind":"total","version":1,"metric":"events","count":1,"sum":1,"late":{"minute":0,"hour":0,"day":0}},"windows":[]}""", "granularity")]
    [InlineData("POST", "/reminders", 400, """{"error":"bad_request","field":"message","rule":"r","message":"message: r"}""", "errors")]
    [InlineData("GET", "/aggregates/entities/order/1", 200, """{"kind":"entity","version":1,"entity":{"kind":"order","id":"1"},"attributes":{},"eventCount":1,"lastEventAt":"yesterday","sources":[]}""", "lastEventAt")]
    public void CheckResponse_OffContract_NamesWhatDiffers(string method, string path, int status, string body, string named)
    {
        var problems = Contract.CheckResponse(method, path, status, "application/json", body);

        Assert.Contains(problems!, p => p.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void CheckResponse_NotADocumentedRoute_NotChecked()
    {
        Assert.Null(Contract.CheckResponse("GET", "/metrics", 200, "application/json", "{}"));
    }

    [Theory]
    [InlineData("""{"type":"change","channel":"tenant","sequence":3,"data":{"kind":"window","version":2,"metric":"events","granularity":"minute","bucket":"2026-12-01T10:00:00Z","count":1,"sum":1,"min":1,"max":1}}""")]
    [InlineData("""{"type":"subscribed","channel":"tenant","sequence":0}""")]
    [InlineData("""{"type":"reload","channel":"tenant","sequence":9,"reason":"gone"}""")]
    [InlineData("""{"type":"error","field":"channel","rule":"r","message":"channel: r"}""")]
    [InlineData("""{"type":"pong","time":"2026-12-01T10:00:00.0000000Z"}""")]
    [InlineData("""{"message": "Internal server error", "connectionId":"abc", "requestId":"def"}""")]
    public void CheckFrame_DocumentedMessage_NoProblem(string frame)
    {
        Assert.Empty(Contract.CheckFrame(JsonDocument.Parse(frame).RootElement));
    }

    [Theory]
    [InlineData("""{"type":"change","channel":"tenant","sequence":0,"data":{"kind":"entity"}}""", "sequence")]
    [InlineData("""{"type":"change","channel":"tenant","sequence":1,"data":{"kind":"late","metric":"m"}}""", "data")]
    [InlineData("""{"type":"hello"}""", "no message the server sends")]
    [InlineData("""{"action":"subscribe","channel":"tenant"}""", "no message the server sends")]
    [InlineData("""{"type":"subscribed","channel":"tenant"}""", "sequence")]
    public void CheckFrame_OffContract_NamesWhatDiffers(string frame, string named)
    {
        Assert.Contains(Contract.CheckFrame(JsonDocument.Parse(frame).RootElement), p => p.Contains(named, StringComparison.Ordinal));
    }
}
