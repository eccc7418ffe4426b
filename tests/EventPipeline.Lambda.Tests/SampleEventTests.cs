using System.Text;
using System.Text.Json;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Lambda.Tests;

/// <summary>The samples under events/aws/ parse into the event records with the values they carry.</summary>
public sealed class SampleEventTests
{
    private static LambdaEventsJsonContext Json => LambdaEventsJsonContext.Default;

    [Fact]
    public void KinesisEvent_Sample_ParsesRecordsAndBase64Data()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("kinesis-event.json"), Json.KinesisEvent)!;

        Assert.Equal(2, e.Records.Count);
        var first = e.Records[0];
        Assert.Equal("shardId-000000000006:49590338271490256608559692538361571095921575989136588898", first.EventId);
        Assert.Equal("aws:kinesis:record", first.EventName);
        Assert.Equal("aws:kinesis", first.EventSource);
        Assert.Equal("arn:aws:kinesis:us-east-2:123456789012:stream/events", first.EventSourceArn);
        Assert.Equal("us-east-2", first.AwsRegion);
        Assert.Equal("1.0", first.Kinesis.KinesisSchemaVersion);
        Assert.Equal("acme", first.Kinesis.PartitionKey);
        Assert.Equal("49590338271490256608559692538361571095921575989136588898", first.Kinesis.SequenceNumber);
        Assert.Equal(1545084650.987, first.Kinesis.ApproximateArrivalTimestamp);

        using var envelope = JsonDocument.Parse(first.Kinesis.Data);
        Assert.Equal("acme", envelope.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("github", envelope.RootElement.GetProperty("source").GetString());
        Assert.Equal("""{"ref":"refs/heads/main"}""", envelope.RootElement.GetProperty("body").GetString());
        Assert.Equal("49590338271490256608559692540925702759324208523137515618", e.Records[1].Kinesis.SequenceNumber);
    }

    [Fact]
    public void DynamoDBEvent_Sample_ParsesNestedImages()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("dynamodb-stream-event.json"), Json.DynamoDBEvent)!;

        Assert.Equal(["INSERT", "MODIFY", "REMOVE"], e.Records.Select(r => r.EventName));
        Assert.All(e.Records, r => Assert.Equal("NEW_AND_OLD_IMAGES", r.Dynamodb.StreamViewType));

        var insert = e.Records[0];
        Assert.Equal("arn:aws:dynamodb:us-east-1:123456789012:table/aggregates/stream/2026-11-01T00:00:00.000", insert.EventSourceArn);
        Assert.Equal("acme#entity#order#o-1001", insert.Dynamodb.Keys["pk"].S);
        Assert.Null(insert.Dynamodb.OldImage);
        Assert.Equal("1", insert.Dynamodb.NewImage!["version"].N);
        Assert.Equal("created", insert.Dynamodb.NewImage["attributes"].M!["status"].M!["v"].S);
        Assert.Equal(["github:72d3162e-cc78-11e3-81ab-4c9367dc0958"], insert.Dynamodb.NewImage["dedupIds"].SS!);
        Assert.Equal(1795370400, insert.Dynamodb.ApproximateCreationDateTime);
        Assert.Equal("111000000000000000001", insert.Dynamodb.SequenceNumber);
        Assert.Equal(212, insert.Dynamodb.SizeBytes);
        Assert.Null(insert.UserIdentity);

        var modify = e.Records[1].Dynamodb;
        Assert.Equal("4", modify.OldImage!["version"].N);
        Assert.Equal("120.5", modify.OldImage["stats"].M!["sum"].N);
        Assert.Equal("150.75", modify.NewImage!["stats"].M!["sum"].N);
        var watermarks = modify.NewImage["watermarks"].L!;
        Assert.Equal("49590338271490256608559692540925702759324208523137515618", watermarks[0].M!["seq"].S);
        Assert.Equal("-1.5E+3", watermarks[1].N);
        Assert.False(modify.NewImage["closed"].BOOL);
        Assert.True(modify.NewImage["note"].NULL);
        Assert.Equal(["0", "50", "150"], modify.NewImage["buckets"].NS!);
        Assert.Equal(new byte[] { 0, 1, 42, 65 }, modify.NewImage["digest"].B);

        var remove = e.Records[2];
        Assert.Equal("Service", remove.UserIdentity!.Type);
        Assert.Equal("dynamodb.amazonaws.com", remove.UserIdentity.PrincipalId);
        Assert.Null(remove.Dynamodb.NewImage);
        Assert.Equal(["tenant", "entity/order/o-1001"], remove.Dynamodb.OldImage!["channels"].L!.Select(v => v.S));
    }

    [Fact]
    public void WebSocketConnect_Sample_ParsesRouteConnectionAndToken()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("websocket-connect.json"), Json.APIGatewayWebSocketRequest)!;

        Assert.Equal("$connect", e.RequestContext.RouteKey);
        Assert.Equal("CONNECT", e.RequestContext.EventType);
        Assert.Equal("L0SM9cOFvHcCIhw=", e.RequestContext.ConnectionId);
        Assert.Equal("abcdef1234.execute-api.us-east-1.amazonaws.com", e.RequestContext.DomainName);
        Assert.Equal("prod", e.RequestContext.Stage);
        Assert.Equal("abcdef1234", e.RequestContext.ApiId);
        Assert.Equal(1795370400000, e.RequestContext.ConnectedAt);
        Assert.Equal(1795370400012, e.RequestContext.RequestTimeEpoch);
        Assert.Equal("203.0.113.10", e.RequestContext.Identity!["sourceIp"]);
        Assert.Equal("example-jwt-goes-here", e.QueryStringParameters!["token"]);
        Assert.Equal(["example-jwt-goes-here"], e.MultiValueQueryStringParameters!["token"]);
        Assert.Equal("13", e.Headers!["Sec-WebSocket-Version"]);
        Assert.Null(e.Body);
        Assert.False(e.IsBase64Encoded);
    }

    [Fact]
    public void WebSocketDisconnect_Sample_ParsesStatusAndReason()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("websocket-disconnect.json"), Json.APIGatewayWebSocketRequest)!;

        Assert.Equal("$disconnect", e.RequestContext.RouteKey);
        Assert.Equal("DISCONNECT", e.RequestContext.EventType);
        Assert.Equal("L0SM9cOFvHcCIhw=", e.RequestContext.ConnectionId);
        Assert.Equal(1001, e.RequestContext.DisconnectStatusCode);
        Assert.Equal("Going away", e.RequestContext.DisconnectReason);
    }

    [Fact]
    public void WebSocketMessage_Sample_ParsesRouteAndBody()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("websocket-message.json"), Json.APIGatewayWebSocketRequest)!;

        Assert.Equal("subscribe", e.RequestContext.RouteKey);
        Assert.Equal("MESSAGE", e.RequestContext.EventType);
        Assert.Equal("L0SNDd_nPHcCIhw=", e.RequestContext.MessageId);
        Assert.Equal("IN", e.RequestContext.MessageDirection);
        Assert.Null(e.Headers);
        using var body = JsonDocument.Parse(e.Body!);
        Assert.Equal("subscribe", body.RootElement.GetProperty("action").GetString());
        Assert.Equal(16, body.RootElement.GetProperty("resumeFrom").GetProperty("entity/order/o-1001").GetInt32());
    }

    [Fact]
    public void HttpApiV2Request_Sample_ParsesRouteAndJwtClaims()
    {
        var e = JsonSerializer.Deserialize(SampleEvents.Read("http-api-v2-request.json"), Json.APIGatewayHttpApiV2ProxyRequest)!;

        Assert.Equal("2.0", e.Version);
        Assert.Equal("GET /aggregates/{tenant}/entities/{kind}/{id}", e.RouteKey);
        Assert.Equal("/aggregates/acme/entities/order/o-1001", e.RawPath);
        Assert.Equal("fields=status&fields=total&consistent=true", e.RawQueryString);
        Assert.Equal(["theme=dark", "session=abc"], e.Cookies!);
        Assert.Equal("status,total", e.QueryStringParameters!["fields"]);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["kind"] = "order", ["id"] = "o-1001" }, e.PathParameters);
        Assert.Equal("prod", e.StageVariables!["environment"]);
        Assert.Equal("GET", e.RequestContext.Http.Method);
        Assert.Equal("203.0.113.10", e.RequestContext.Http.SourceIp);
        Assert.Equal(1795370400123, e.RequestContext.TimeEpoch);
        Assert.Equal("123456789012", e.RequestContext.AccountId);
        var jwt = e.RequestContext.Authorizer!.Jwt!;
        Assert.Equal("acme", jwt.Claims!["tenant"]);
        Assert.Equal("user-42", jwt.Claims["sub"]);
        Assert.Equal("1795374000", jwt.Claims["exp"]);
        Assert.Equal(["aggregates:read", "reminders:write"], jwt.Scopes!);
        Assert.False(e.IsBase64Encoded);
        Assert.Null(e.Body);
    }

    [Fact]
    public void StreamsEventResponse_Serialize_ProducesDocumentedJsonExactly()
    {
        var response = new StreamsEventResponse
        {
            BatchItemFailures = [new() { ItemIdentifier = "49590338271490256608559692540925702759324208523137515618" }],
        };

        var json = JsonSerializer.Serialize(response, Json.StreamsEventResponse);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"49590338271490256608559692540925702759324208523137515618"}]}""", json);
        var back = JsonSerializer.Deserialize(json, Json.StreamsEventResponse)!;
        Assert.Equal("49590338271490256608559692540925702759324208523137515618", Assert.Single(back.BatchItemFailures).ItemIdentifier);
    }

    [Fact]
    public void StreamsEventResponse_NoFailures_SerializesEmptyArray() =>
        Assert.Equal("""{"batchItemFailures":[]}""", JsonSerializer.Serialize(new StreamsEventResponse(), Json.StreamsEventResponse));

    [Fact]
    public void HttpApiV2Response_NullMembers_AreOmitted()
    {
        var json = JsonSerializer.Serialize(
            new APIGatewayHttpApiV2ProxyResponse { StatusCode = 404, Headers = new() { ["content-type"] = "application/json" } },
            Json.APIGatewayHttpApiV2ProxyResponse);

        Assert.Equal("""{"statusCode":404,"headers":{"content-type":"application/json"},"isBase64Encoded":false}""", json);
    }

    [Fact]
    public void AttributeValue_Serialize_WritesOnlyTheSetMember()
    {
        var value = new DynamoDBEvent.AttributeValue { M = new() { ["n"] = new() { N = "1" }, ["b"] = new() { B = Encoding.UTF8.GetBytes("A") } } };
        var e = new DynamoDBEvent { Records = [new() { EventName = "INSERT", Dynamodb = new() { Keys = new() { ["k"] = value } } }] };

        var json = JsonSerializer.Serialize(e, Json.DynamoDBEvent);

        Assert.Contains("""{"k":{"M":{"n":{"N":"1"},"b":{"B":"QQ=="}}}}""", json, StringComparison.Ordinal);
    }
}
