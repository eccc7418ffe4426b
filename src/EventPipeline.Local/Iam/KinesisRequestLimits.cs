using System.Text;
using System.Text.Json;

namespace EventPipeline.Local.Iam;

/// <summary>
/// Kinesis's request limits, which kinesis-mock does not enforce: a record's data plus partition key at most 1 MiB, a
/// PutRecords call at most 500 records and 5 MiB including partition keys
/// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html; the stream's maximum record size is the
/// default 1 MiB). The local AWS endpoint answers a call over them as Kinesis does, before it reaches the emulator.
/// </summary>
public static class KinesisRequestLimits
{
    /// <summary>Largest record: data plus partition key.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Most records in one PutRecords call.</summary>
    public const int MaxRecordsPerRequest = 500;

    /// <summary>Largest PutRecords call: every record's data plus partition key.</summary>
    public const int MaxRequestBytes = 5 * 1024 * 1024;

    /// <summary>The error type and message Kinesis answers <paramref name="body"/> of <paramref name="target"/> with, or null when within the limits.</summary>
    public static (string Type, string Message)? Check(string target, ReadOnlySpan<byte> body)
    {
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (operation is not ("PutRecord" or "PutRecords"))
        {
            return null;
        }

        try
        {
            var doc = JsonDocument.Parse(body.ToArray());
            using (doc)
            {
                if (operation == "PutRecord")
                {
                    return RecordBytes(doc.RootElement) > MaxRecordBytes
                        ? ("ValidationException", $"1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordBytes} (data plus partition key)")
                        : null;
                }

                if (!doc.RootElement.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                if (records.GetArrayLength() > MaxRecordsPerRequest)
                {
                    return ("ValidationException", $"1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordsPerRequest}");
                }

                long total = 0;
                var index = 0;
                foreach (var record in records.EnumerateArray())
                {
                    var size = RecordBytes(record);
                    if (size > MaxRecordBytes)
                    {
                        return ("ValidationException", $"1 validation error detected: Value at 'records.{index + 1}.member.data' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordBytes}");
                    }

                    total += size;
                    index++;
                }

                return total > MaxRequestBytes ? ("InvalidArgumentException", "Records size exceeds 5 MB limit") : null;
            }
        }
        catch (JsonException)
        {
            return null; // Malformed requests are the emulator's to answer.
        }
    }

    private static long RecordBytes(JsonElement record)
    {
        long size = 0;
        if (record.TryGetProperty("Data", out var data) && data.ValueKind == JsonValueKind.String)
        {
            var text = data.GetString()!;
            var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
            size += (text.Length / 4 * 3) - padding;
        }

        if (record.TryGetProperty("PartitionKey", out var key) && key.ValueKind == JsonValueKind.String)
        {
            size += Encoding.UTF8.GetByteCount(key.GetString()!);
        }

        return size;
    }
}
