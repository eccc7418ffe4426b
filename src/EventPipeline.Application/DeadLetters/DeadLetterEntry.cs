using System.Text.Json.Serialization;

namespace EventPipeline.Application.DeadLetters;

/// <summary>
/// One record the pipeline gave up on, with everything needed to understand and redrive it. The same shape is the
/// SQS message body in AWS and an item of the local dead-letter store.
/// </summary>
public sealed class DeadLetterEntry
{
    /// <summary>Stable id: <c>{shardId}/{sequenceNumber}</c> (+ <c>/{subSequence}</c> for KPL sub-records), so re-dead-lettering a redelivered record is idempotent.</summary>
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>Category: malformed, unknown-source, rejected, invalid-event, bad-aggregate, adapter-error, source-unavailable, retries-exhausted, record-age-exceeded.</summary>
    [JsonPropertyName("category")]
    public string Category { get; set; } = "";

    /// <summary>The field that broke a rule (or "record").</summary>
    [JsonPropertyName("field")]
    public string Field { get; set; } = "";

    /// <summary>The rule broken, in words.</summary>
    [JsonPropertyName("rule")]
    public string Rule { get; set; } = "";

    /// <summary><c>{field}: {rule}</c>.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("function")]
    public string Function { get; set; } = "";

    [JsonPropertyName("streamArn")]
    public string? StreamArn { get; set; }

    [JsonPropertyName("shardId")]
    public string ShardId { get; set; } = "";

    [JsonPropertyName("sequenceNumber")]
    public string SequenceNumber { get; set; } = "";

    /// <summary>Index of the user record inside a KPL aggregate, when aggregated.</summary>
    /// <summary>
    /// Last sequence number of a run of records given up together (an event source mapping's on-failure record names a
    /// range); null for a single record.
    /// </summary>
    [JsonPropertyName("endSequenceNumber")]
    public string? EndSequenceNumber { get; set; }

    [JsonPropertyName("subSequence")]
    public int? SubSequence { get; set; }

    [JsonPropertyName("partitionKey")]
    public string PartitionKey { get; set; } = "";

    /// <summary>The original record bytes (base64 on the wire), so a redrive re-puts exactly what was sent.</summary>
    [JsonPropertyName("data")]
    public byte[] Data { get; set; } = [];

    /// <summary>
    /// True when the record's bytes were left out because the entry would not fit an SQS message; a redrive then re-reads
    /// the record from the stream by shard and sequence number while the stream retains it.
    /// </summary>
    [JsonPropertyName("dataOmitted")]
    public bool DataOmitted { get; set; }

    [JsonPropertyName("tenant")]
    public string? Tenant { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    /// <summary>Delivery attempts made before giving up.</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; set; }

    [JsonPropertyName("approximateArrivalTimestamp")]
    public DateTimeOffset? ApproximateArrivalTimestamp { get; set; }

    [JsonPropertyName("deadLetteredAt")]
    public DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>Times this entry was redriven into the stream.</summary>
    [JsonPropertyName("redriveCount")]
    public int RedriveCount { get; set; }
}
