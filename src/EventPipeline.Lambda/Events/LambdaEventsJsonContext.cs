using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>Source-generated (AOT-safe) serialization for every event and response type.</summary>
[JsonSerializable(typeof(KinesisEvent))]
[JsonSerializable(typeof(DynamoDBEvent))]
[JsonSerializable(typeof(StreamsEventResponse))]
[JsonSerializable(typeof(APIGatewayWebSocketRequest))]
[JsonSerializable(typeof(APIGatewayProxyResponse))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyRequest))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyResponse))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
public sealed partial class LambdaEventsJsonContext : JsonSerializerContext;
