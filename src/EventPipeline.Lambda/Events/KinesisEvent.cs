using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>The event Lambda's Kinesis event source mapping sends (names as in Amazon.Lambda.KinesisEvents).</summary>
public sealed class KinesisEvent
{
    [JsonPropertyName("Records")]
    public List<KinesisEventRecord> Records { get; set; } = [];

    public sealed class KinesisEventRecord
    {
        [JsonPropertyName("eventID")]
        public string? EventId { get; set; }

        [JsonPropertyName("eventName")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? EventName { get; set; }

        [JsonPropertyName("eventSource")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? EventSource { get; set; }

        [JsonPropertyName("eventSourceARN")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? EventSourceArn { get; set; }

        [JsonPropertyName("eventVersion")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? EventVersion { get; set; }

        [JsonPropertyName("awsRegion")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? AwsRegion { get; set; }

        [JsonPropertyName("invokeIdentityArn")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? InvokeIdentityArn { get; set; }

        [JsonPropertyName("kinesis")]
        public Record Kinesis { get; set; } = new();
    }

    public sealed class Record
    {
        [JsonPropertyName("kinesisSchemaVersion")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? KinesisSchemaVersion { get; set; }

        [JsonPropertyName("partitionKey")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string PartitionKey { get; set; } = "";

        [JsonPropertyName("sequenceNumber")]
        public string SequenceNumber { get; set; } = "";

        /// <summary>The record's bytes (base64 on the wire).</summary>
        [JsonPropertyName("data")]
        public byte[] Data { get; set; } = [];

        /// <summary>Epoch seconds with fraction.</summary>
        [JsonPropertyName("approximateArrivalTimestamp")]
        public double ApproximateArrivalTimestamp { get; set; }

        [JsonPropertyName("encryptionType")]
        [JsonConverter(typeof(RepeatedStringConverter))]
        public string? EncryptionType { get; set; }
    }
}
