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

/// <summary>Response to an API Gateway WebSocket (or REST proxy) integration.</summary>
public sealed class APIGatewayProxyResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("headers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}

/// <summary>HTTP API payload format 2.0 request (names as in Amazon.Lambda.APIGatewayEvents).</summary>
public sealed class APIGatewayHttpApiV2ProxyRequest
{
    [JsonPropertyName("version")]
    public string Version { get; set; } = "2.0";

    [JsonPropertyName("routeKey")]
    public string RouteKey { get; set; } = "";

    [JsonPropertyName("rawPath")]
    public string RawPath { get; set; } = "";

    [JsonPropertyName("rawQueryString")]
    public string RawQueryString { get; set; } = "";

    [JsonPropertyName("cookies")]
    public List<string>? Cookies { get; set; }

    /// <summary>Header names lower-case; repeated headers joined by commas.</summary>
    [JsonPropertyName("headers")]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("queryStringParameters")]
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    [JsonPropertyName("pathParameters")]
    public Dictionary<string, string>? PathParameters { get; set; }

    [JsonPropertyName("stageVariables")]
    public Dictionary<string, string>? StageVariables { get; set; }

    [JsonPropertyName("requestContext")]
    public ProxyRequestContext RequestContext { get; set; } = new();

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    public sealed class ProxyRequestContext
    {
        [JsonPropertyName("accountId")]
        public string? AccountId { get; set; }

        [JsonPropertyName("apiId")]
        public string? ApiId { get; set; }

        [JsonPropertyName("authorizer")]
        public AuthorizerDescription? Authorizer { get; set; }

        [JsonPropertyName("domainName")]
        public string? DomainName { get; set; }

        [JsonPropertyName("domainPrefix")]
        public string? DomainPrefix { get; set; }

        [JsonPropertyName("http")]
        public HttpDescription Http { get; set; } = new();

        [JsonPropertyName("requestId")]
        public string? RequestId { get; set; }

        [JsonPropertyName("routeKey")]
        public string? RouteKey { get; set; }

        [JsonPropertyName("stage")]
        public string? Stage { get; set; }

        [JsonPropertyName("time")]
        public string? Time { get; set; }

        [JsonPropertyName("timeEpoch")]
        public long TimeEpoch { get; set; }
    }

    public sealed class HttpDescription
    {
        [JsonPropertyName("method")]
        public string Method { get; set; } = "";

        [JsonPropertyName("path")]
        public string Path { get; set; } = "";

        [JsonPropertyName("protocol")]
        public string? Protocol { get; set; }

        [JsonPropertyName("sourceIp")]
        public string? SourceIp { get; set; }

        [JsonPropertyName("userAgent")]
        public string? UserAgent { get; set; }
    }

    public sealed class AuthorizerDescription
    {
        [JsonPropertyName("jwt")]
        public JwtDescription? Jwt { get; set; }
    }

    public sealed class JwtDescription
    {
        /// <summary>The verified token's claims, as strings.</summary>
        [JsonPropertyName("claims")]
        public Dictionary<string, string>? Claims { get; set; }

        [JsonPropertyName("scopes")]
        public List<string>? Scopes { get; set; }
    }
}

/// <summary>HTTP API payload format 2.0 response.</summary>
public sealed class APIGatewayHttpApiV2ProxyResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("headers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Headers { get; set; }

    [JsonPropertyName("cookies")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Cookies { get; set; }

    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
