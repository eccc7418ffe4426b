using System.Globalization;
using System.Text;

namespace EventPipeline.Local.Load;

/// <summary>
/// us-east-1 list prices (USD) as named constants, and the per-million-events arithmetic. Prices as published on the AWS
/// pricing pages (Lambda, Kinesis Data Streams on-demand standard, DynamoDB on-demand after the November 2024 cut,
/// API Gateway WebSocket), read for this model on 2025-01-15; EventBridge custom events ($1.00 per million, 64 KB units)
/// as published in 2026) added 2026-12-01; free tiers are ignored.
/// </summary>
public static class CostModel
{
    /// <summary>Date the unit prices below were read.</summary>
    public const string PricesAsOf = "2025-01-15";

    /// <summary>Lambda, x86, per GB-second.</summary>
    public const double LambdaPerGbSecond = 0.0000166667;

    /// <summary>Lambda, per request.</summary>
    public const double LambdaPerRequest = 0.20 / 1_000_000;

    /// <summary>Kinesis Data Streams on-demand, per GB ingested (records rounded up to 1 KB).</summary>
    public const double KinesisPerGbIn = 0.08;

    /// <summary>Kinesis Data Streams on-demand, per GB retrieved (one consumer: the Ingest mapping).</summary>
    public const double KinesisPerGbOut = 0.04;

    /// <summary>DynamoDB on-demand, per write request unit (1 KB of item).</summary>
    public const double DynamoDbPerWriteUnit = 0.625 / 1_000_000;

    /// <summary>DynamoDB on-demand, per read request unit (4 KB strongly consistent).</summary>
    public const double DynamoDbPerReadUnit = 0.125 / 1_000_000;

    /// <summary>EventBridge, per custom event put on a bus (64 KB units; an <c>aggregate.changed</c> event is one).</summary>
    public const double EventBridgePerEvent = 1.00 / 1_000_000;

    /// <summary>API Gateway WebSocket, per message (32 KB units; a push is one).</summary>
    public const double WebSocketPerMessage = 1.00 / 1_000_000;

    /// <summary>The bill for one million events, line by line, each with its service.</summary>
    public static IReadOnlyList<(string Service, string Item, double Usd)> PerMillionEvents(CostInputs i)
    {
        ArgumentNullException.ThrowIfNull(i);
        const double million = 1_000_000;
        var ingestInvocations = million / i.BatchSize;
        var gbSeconds = ingestInvocations * Math.Ceiling(i.BatchDurationMs) / 1000.0 * (i.MemoryMb / 1024.0);

        // Every item write is one stream record the Publish function reads.
        var publishInvocations = million * i.WriteUnitsPerEvent / Math.Max(1, i.PublishBatchSize);
        var publishGbSeconds = publishInvocations * Math.Ceiling(i.PublishBatchDurationMs) / 1000.0 * (i.MemoryMb / 1024.0);

        // Kinesis on-demand bills each record rounded up to the nearest 1 KB.
        var kinesisGb = million * Math.Ceiling(i.EventBytes / 1024.0) / (1024.0 * 1024.0);
        return
        [
            ("Lambda", "Ingest (GB-s)", gbSeconds * LambdaPerGbSecond),
            ("Lambda", "Ingest (requests)", ingestInvocations * LambdaPerRequest),
            ("Lambda", "Publish (GB-s + requests)", (publishGbSeconds * LambdaPerGbSecond) + (publishInvocations * LambdaPerRequest)),
            ("Kinesis", "on-demand in", kinesisGb * KinesisPerGbIn),
            ("Kinesis", "on-demand out", kinesisGb * KinesisPerGbOut),
            ("DynamoDB", "ingest writes (WRU)", million * i.WriteUnitsPerEvent * DynamoDbPerWriteUnit),
            ("DynamoDB", "ingest reads (RRU)", million * i.ReadUnitsPerEvent * DynamoDbPerReadUnit),
            ("DynamoDB", "publish sequences + change log (WRU)", million * i.PublishWriteUnitsPerEvent * DynamoDbPerWriteUnit),
            ("DynamoDB", "publish subscriber lookups (RRU)", million * i.PublishReadUnitsPerEvent * DynamoDbPerReadUnit),
            ("EventBridge", "aggregate.changed events", million * i.BusEventsPerEvent * EventBridgePerEvent),
            ("API Gateway", "WebSocket messages", million * i.PushesPerEvent * WebSocketPerMessage),
        ];
    }

    /// <summary>A printable table of <see cref="PerMillionEvents"/> with its inputs and a subtotal per service.</summary>
    public static string Format(CostInputs i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"cost per million events (us-east-1 list prices of {PricesAsOf}, no free tier):");
        sb.AppendLine(inv, $"  inputs: batch {i.BatchSize} records in {i.BatchDurationMs:F0} ms at {i.MemoryMb} MB; {i.EventBytes:F0} B/event; {i.WriteUnitsPerEvent:F2} WRU/event; {i.ReadUnitsPerEvent:F2} RRU/event; {i.PushesPerEvent:F3} pushes/event; publish batch {i.PublishBatchSize} in {i.PublishBatchDurationMs:F0} ms, {i.PublishWriteUnitsPerEvent:F2} WRU/event, {i.PublishReadUnitsPerEvent:F2} RRU/event; {i.BusEventsPerEvent:F2} bus events/event");
        var lines = PerMillionEvents(i);
        foreach (var (service, item, usd) in lines)
        {
            sb.AppendLine(inv, $"  {service,-12} {item,-38} ${usd,9:F4}");
        }

        foreach (var service in lines.GroupBy(l => l.Service))
        {
            sb.AppendLine(inv, $"  {"subtotal",-12} {service.Key,-38} ${service.Sum(l => l.Usd),9:F4}");
        }

        sb.AppendLine(inv, $"  {"total",-51} ${lines.Sum(l => l.Usd),9:F4}");
        return sb.ToString();
    }
}
