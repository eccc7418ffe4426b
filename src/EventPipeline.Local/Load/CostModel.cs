using System.Globalization;
using System.Text;

namespace EventPipeline.Local.Load;

/// <summary>
/// us-east-1 list prices (USD) as named constants, and the per-million-events arithmetic. Prices as published on the AWS
/// pricing pages (Lambda, Kinesis Data Streams on-demand standard, DynamoDB on-demand after the November 2024 cut,
/// API Gateway WebSocket), read for this model on 2025-01-15; free tiers are ignored.
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

    /// <summary>DynamoDB on-demand, per write request unit (item ≤ 1 KB).</summary>
    public const double DynamoDbPerWriteUnit = 0.625 / 1_000_000;

    /// <summary>DynamoDB Streams, per GetRecords read request unit (Lambda triggers read the stream for free).</summary>
    public const double DynamoDbStreamsPerRead = 0;

    /// <summary>API Gateway WebSocket, per message (32 KB units; a push is one).</summary>
    public const double WebSocketPerMessage = 1.00 / 1_000_000;

    /// <summary>The bill for one million events, line by line.</summary>
    public static IReadOnlyList<(string Item, double Usd)> PerMillionEvents(CostInputs i)
    {
        ArgumentNullException.ThrowIfNull(i);
        const double million = 1_000_000;
        var ingestInvocations = million / i.BatchSize;
        var gbSeconds = ingestInvocations * Math.Ceiling(i.BatchDurationMs) / 1000.0 * (i.MemoryMb / 1024.0);
        var publishInvocations = million * i.WritesPerEvent / Math.Max(1, i.PublishBatchSize);
        var publishGbSeconds = publishInvocations * Math.Ceiling(i.PublishBatchDurationMs) / 1000.0 * (i.MemoryMb / 1024.0);
        // Kinesis on-demand bills each record rounded up to the nearest 1 KB.
        var kinesisGb = million * Math.Ceiling(i.EventBytes / 1024.0) / (1024.0 * 1024.0);
        return
        [
            ("Lambda Ingest (GB-s)", gbSeconds * LambdaPerGbSecond),
            ("Lambda Ingest (requests)", ingestInvocations * LambdaPerRequest),
            ("Lambda Publish (GB-s + requests)", (publishGbSeconds * LambdaPerGbSecond) + (publishInvocations * LambdaPerRequest)),
            ("Kinesis on-demand in", kinesisGb * KinesisPerGbIn),
            ("Kinesis on-demand out", kinesisGb * KinesisPerGbOut),
            ("DynamoDB writes", million * i.WritesPerEvent * DynamoDbPerWriteUnit),
            ("API Gateway WebSocket messages", million * i.PushesPerEvent * WebSocketPerMessage),
        ];
    }

    /// <summary>A printable table of <see cref="PerMillionEvents"/> with its inputs.</summary>
    public static string Format(CostInputs i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"cost per million events (us-east-1 list prices of {PricesAsOf}, no free tier):");
        sb.AppendLine(inv, $"  inputs: batch {i.BatchSize} records in {i.BatchDurationMs:F0} ms at {i.MemoryMb} MB; {i.EventBytes:F0} B/event; {i.WritesPerEvent:F3} writes/event; {i.PushesPerEvent:F3} pushes/event; publish batch {i.PublishBatchSize} in {i.PublishBatchDurationMs:F0} ms");
        var lines = PerMillionEvents(i);
        foreach (var (item, usd) in lines)
        {
            sb.AppendLine(inv, $"  {item,-34} ${usd,9:F4}");
        }

        sb.AppendLine(inv, $"  {"total",-34} ${lines.Sum(l => l.Usd),9:F4}");
        return sb.ToString();
    }
}
