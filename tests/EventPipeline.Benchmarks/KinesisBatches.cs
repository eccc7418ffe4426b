using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace EventPipeline.Benchmarks;

/// <summary>Builds Kinesis event payloads (the JSON Lambda hands an ESM-triggered function) of clean records.</summary>
internal static class KinesisBatches
{
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>
    /// <paramref name="count"/> structured CloudEvents (source <c>cloudevents</c>) for <paramref name="tenant"/>, spread over
    /// <paramref name="entities"/> orders, each with a fresh id, on a shard of their own so neither dedup nor the
    /// per-shard watermark of an earlier run skips them.
    /// </summary>
    public static byte[] CloudEvents(int count, string tenant, int entities, string shardId)
    {
        var now = DateTimeOffset.UtcNow;
        var runId = Guid.NewGuid().ToString("N");
        var buffer = new ArrayBufferWriter<byte>(count * 600);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            for (var i = 0; i < count; i++)
            {
                var data = CloudEvent(tenant, $"{runId}-{i}", $"order/{i % entities}", now, 10 + (i % 7), i % 5);
                var seq = Interlocked.Increment(ref _sequence).ToString("D30", CultureInfo.InvariantCulture);
                w.WriteStartObject();
                w.WriteStartObject("kinesis");
                w.WriteString("kinesisSchemaVersion", "1.0");
                w.WriteString("partitionKey", tenant);
                w.WriteString("sequenceNumber", seq);
                w.WriteBase64String("data", data);
                w.WriteNumber("approximateArrivalTimestamp", now.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteEndObject();
                w.WriteString("eventSource", "aws:kinesis");
                w.WriteString("eventVersion", "1.0");
                w.WriteString("eventID", $"{shardId}:{seq}");
                w.WriteString("eventName", "aws:kinesis:record");
                w.WriteString("awsRegion", "us-east-1");
                w.WriteString("eventSourceARN", "arn:aws:kinesis:us-east-1:000000000000:stream/events");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A structured CloudEvent as a producer puts it on the stream (tenant extension, numeric data → measures).</summary>
    public static byte[] CloudEvent(string tenant, string id, string subject, DateTimeOffset time, decimal amount, int items, long? sentAtMs = null)
    {
        var buffer = new ArrayBufferWriter<byte>(320);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("id", id);
            w.WriteString("source", "/bench/orders");
            w.WriteString("type", "com.example.order.updated");
            w.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteString("subject", subject);
            w.WriteString("tenant", tenant);
            w.WriteString("datacontenttype", "application/json");
            w.WriteStartObject("data");
            w.WriteNumber("amount", amount);
            w.WriteNumber("items", items);
            if (sentAtMs is { } s)
            {
                w.WriteNumber("sentAtMs", s);
            }

            w.WriteString("status", "open");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
