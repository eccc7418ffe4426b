using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>The event Lambda's DynamoDB Streams event source mapping sends (names as in Amazon.Lambda.DynamoDBEvents).</summary>
public sealed class DynamoDBEvent
{
    [JsonPropertyName("Records")]
    public List<DynamodbStreamRecord> Records { get; set; } = [];

    public sealed class DynamodbStreamRecord
    {
        [JsonPropertyName("eventID")]
        public string? EventId { get; set; }

        /// <summary>INSERT, MODIFY or REMOVE.</summary>
        [JsonPropertyName("eventName")]
        public string EventName { get; set; } = "";

        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        [JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        [JsonPropertyName("eventVersion")]
        public string? EventVersion { get; set; }

        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }

        [JsonPropertyName("dynamodb")]
        public StreamRecord Dynamodb { get; set; } = new();

        /// <summary>Set only on REMOVE records written by DynamoDB itself (TTL expiry): type "Service", principalId "dynamodb.amazonaws.com".</summary>
        [JsonPropertyName("userIdentity")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public Identity? UserIdentity { get; set; }
    }

    /// <summary>Who made a stream change (only present for TTL deletions).</summary>
    public sealed class Identity
    {
        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("principalId")]
        public string? PrincipalId { get; set; }
    }

    public sealed class StreamRecord
    {
        /// <summary>Epoch seconds.</summary>
        [JsonPropertyName("ApproximateCreationDateTime")]
        public double ApproximateCreationDateTime { get; set; }

        [JsonPropertyName("Keys")]
        public Dictionary<string, AttributeValue> Keys { get; set; } = [];

        [JsonPropertyName("NewImage")]
        public Dictionary<string, AttributeValue>? NewImage { get; set; }

        [JsonPropertyName("OldImage")]
        public Dictionary<string, AttributeValue>? OldImage { get; set; }

        [JsonPropertyName("SequenceNumber")]
        public string SequenceNumber { get; set; } = "";

        [JsonPropertyName("SizeBytes")]
        public long SizeBytes { get; set; }

        [JsonPropertyName("StreamViewType")]
        public string? StreamViewType { get; set; }
    }

    /// <summary>DynamoDB's AttributeValue JSON: exactly one member is set.</summary>
    public sealed class AttributeValue
    {
        [JsonPropertyName("S")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? S { get; set; }

        [JsonPropertyName("N")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? N { get; set; }

        [JsonPropertyName("B")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public byte[]? B { get; set; }

        [JsonPropertyName("SS")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<string>? SS { get; set; }

        [JsonPropertyName("NS")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<string>? NS { get; set; }

        [JsonPropertyName("BS")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<byte[]>? BS { get; set; }

        [JsonPropertyName("M")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public Dictionary<string, AttributeValue>? M { get; set; }

        [JsonPropertyName("L")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<AttributeValue>? L { get; set; }

        [JsonPropertyName("NULL")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? NULL { get; set; }

        [JsonPropertyName("BOOL")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? BOOL { get; set; }
    }
}
