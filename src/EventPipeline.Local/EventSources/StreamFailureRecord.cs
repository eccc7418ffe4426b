using System.Globalization;
using System.Text.Json;

namespace EventPipeline.Local.EventSources;

/// <summary>
/// One on-failure record for a run of consecutive records of one shard that were given up. Mirrors the fields of
/// Lambda's documented on-failure invocation record for Kinesis (<c>KinesisBatchInfo</c>) and DynamoDB Streams
/// (<c>DDBStreamBatchInfo</c>), plus <see cref="Records"/>: the records' bytes, which AWS does not include (there one
/// re-reads them from the stream by sequence number; locally the stream is in memory and short-lived).
/// </summary>
public sealed record StreamFailureRecord
{
    /// <summary>Request id of the last invocation attempt (or a fresh id when the records were never sent).</summary>
    public required string RequestId { get; init; }

    /// <summary>ARN of the function the mapping invokes.</summary>
    public required string FunctionArn { get; init; }

    /// <summary>A <see cref="FailureConditions"/> value.</summary>
    public required string Condition { get; init; }

    /// <summary>How many times the function was invoked with (a batch containing) these records.</summary>
    public required int ApproximateInvokeCount { get; init; }

    /// <summary><c>Unhandled</c> when the last attempt threw or timed out; null for a partial-batch response or age expiry.</summary>
    public string? FunctionError { get; init; }

    /// <summary>Message of the last error, if any (for people reading the local dead-letter list; not part of AWS's record).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>When the records were given up.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary><c>aws:kinesis</c> or <c>aws:dynamodb</c>.</summary>
    public required string EventSource { get; init; }

    /// <summary>ARN of the stream.</summary>
    public required string StreamArn { get; init; }

    /// <summary>Shard the records came from.</summary>
    public required string ShardId { get; init; }

    /// <summary>Sequence number of the first given-up record.</summary>
    public required string StartSequenceNumber { get; init; }

    /// <summary>Sequence number of the last given-up record.</summary>
    public required string EndSequenceNumber { get; init; }

    /// <summary>Arrival (Kinesis) or creation (DynamoDB) time of the first record.</summary>
    public required DateTimeOffset ApproximateArrivalOfFirstRecord { get; init; }

    /// <summary>Arrival (Kinesis) or creation (DynamoDB) time of the last record.</summary>
    public required DateTimeOffset ApproximateArrivalOfLastRecord { get; init; }

    /// <summary>Number of records given up.</summary>
    public required int BatchSize { get; init; }

    /// <summary>
    /// Each record's bytes, base64, in stream order: the Kinesis data blob, or the DynamoDB stream record as the
    /// JSON Lambda would have sent.
    /// </summary>
    public required IReadOnlyList<string> Records { get; init; }

    /// <summary>Each record's sequence number, in the order of <see cref="Records"/> (not part of AWS's record).</summary>
    public IReadOnlyList<string> SequenceNumbers { get; init; } = [];

    /// <summary>Each record's partition key (Kinesis; empty for DynamoDB), so a redrive keeps the record's shard.</summary>
    public IReadOnlyList<string> PartitionKeys { get; init; } = [];

    /// <summary>
    /// The record in Lambda's on-failure JSON layout (<c>requestContext</c>, <c>responseContext</c>, <c>version</c>,
    /// <c>timestamp</c>, <c>KinesisBatchInfo</c>/<c>DDBStreamBatchInfo</c>); with <paramref name="includeRecords"/> an
    /// extra <c>records</c> array (not part of AWS's record; tests and in-memory destinations use it).
    /// </summary>
    public string ToJson(bool includeRecords = true)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("requestContext");
            json.WriteString("requestId", RequestId);
            json.WriteString("functionArn", FunctionArn);
            json.WriteString("condition", Condition);
            json.WriteNumber("approximateInvokeCount", ApproximateInvokeCount);
            json.WriteEndObject();
            json.WriteStartObject("responseContext");
            json.WriteNumber("statusCode", 200);
            json.WriteString("executedVersion", "$LATEST");
            if (FunctionError is not null)
            {
                json.WriteString("functionError", FunctionError);
            }

            json.WriteEndObject();
            json.WriteString("version", "1.0");
            json.WriteString("timestamp", Iso(Timestamp));
            json.WriteStartObject(EventSource == "aws:dynamodb" ? "DDBStreamBatchInfo" : "KinesisBatchInfo");
            json.WriteString("shardId", ShardId);
            json.WriteString("startSequenceNumber", StartSequenceNumber);
            json.WriteString("endSequenceNumber", EndSequenceNumber);
            json.WriteString("approximateArrivalOfFirstRecord", Iso(ApproximateArrivalOfFirstRecord));
            json.WriteString("approximateArrivalOfLastRecord", Iso(ApproximateArrivalOfLastRecord));
            json.WriteNumber("batchSize", BatchSize);
            json.WriteString("streamArn", StreamArn);
            json.WriteEndObject();
            if (ErrorMessage is not null)
            {
                json.WriteString("errorMessage", ErrorMessage);
            }

            if (includeRecords)
            {
                json.WriteStartArray("records");
                foreach (var record in Records)
                {
                    json.WriteStringValue(record);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
