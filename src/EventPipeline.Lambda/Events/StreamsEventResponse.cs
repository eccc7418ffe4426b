using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>Partial batch response for Kinesis/DynamoDB Streams/SQS mappings with ReportBatchItemFailures.</summary>
public sealed class StreamsEventResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    public sealed class BatchItemFailure
    {
        /// <summary>The failed record's sequence number (Kinesis, DynamoDB Streams) or message id (SQS).</summary>
        [JsonPropertyName("itemIdentifier")]
        public string ItemIdentifier { get; set; } = "";
    }
}
