using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>
/// API Gateway WebSocket request ($connect, $disconnect, message routes). Names as in Amazon.Lambda.APIGatewayEvents'
/// APIGatewayProxyRequest, which the WebSocket integration also uses.
/// </summary>
public sealed class APIGatewayWebSocketRequest
{
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>>? MultiValueHeaders { get; set; }

    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    [JsonPropertyName("multiValueQueryStringParameters")]
    public Dictionary<string, List<string>>? MultiValueQueryStringParameters { get; set; }

    [JsonPropertyName("requestContext")]
    public WebSocketRequestContext RequestContext { get; set; } = new();

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    public sealed class WebSocketRequestContext
    {
        [JsonPropertyName("routeKey")]
        public string RouteKey { get; set; } = "";

        /// <summary>CONNECT, DISCONNECT or MESSAGE.</summary>
        [JsonPropertyName("eventType")]
        public string EventType { get; set; } = "";

        [JsonPropertyName("connectionId")]
        public string ConnectionId { get; set; } = "";

        [JsonPropertyName("messageId")]
        public string? MessageId { get; set; }

        [JsonPropertyName("extendedRequestId")]
        public string? ExtendedRequestId { get; set; }

        [JsonPropertyName("requestTime")]
        public string? RequestTime { get; set; }

        [JsonPropertyName("messageDirection")]
        public string? MessageDirection { get; set; }

        [JsonPropertyName("disconnectStatusCode")]
        public int? DisconnectStatusCode { get; set; }

        [JsonPropertyName("disconnectReason")]
        public string? DisconnectReason { get; set; }

        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        [JsonPropertyName("connectedAt")]
        public long ConnectedAt { get; set; }

        [JsonPropertyName("requestTimeEpoch")]
        public long RequestTimeEpoch { get; set; }

        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        [JsonPropertyName("identity")]
        public Dictionary<string, string?>? Identity { get; set; }
    }
}
