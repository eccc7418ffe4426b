using System.Globalization;

namespace EventPipeline.Application.Tracing;

/// <summary>
/// Where an item write's oldest new event came from and when it passed each stage up to that write. Ingest stores it in
/// the entity item, so the item's stream record carries it to Publish, which adds its own times to the push. The id is
/// the Kinesis record's event id, <c>{shardId}:{sequenceNumber}</c>: what Lambda's Kinesis event calls <c>eventID</c> and
/// what PutRecords answers the producer, so a producer can follow its record to the browser with nothing added to it.
/// </summary>
/// <param name="Id">The Kinesis record's event id.</param>
/// <param name="ArrivedAt">When the stream accepted the record (its approximate arrival timestamp).</param>
/// <param name="IngestStartedAt">When Ingest started on the batch holding it.</param>
/// <param name="WriteSentAt">When Ingest sent the item's write (the write that makes the stream record).</param>
public sealed record EventTrace(string Id, DateTimeOffset ArrivedAt, DateTimeOffset IngestStartedAt, DateTimeOffset WriteSentAt)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The trace id of record <paramref name="sequenceNumber"/> of shard <paramref name="shardId"/>.</summary>
    public static string IdOf(string shardId, string sequenceNumber) => shardId + ":" + sequenceNumber;

    /// <summary>
    /// The compact form kept in the item: <c>{id} {arrivedAtMs} {+ingest ms} {+write ms}</c> (epoch milliseconds, then
    /// offsets from the previous stamp), about 100 bytes.
    /// </summary>
    public string Encode()
    {
        var arrived = ArrivedAt.ToUnixTimeMilliseconds();
        var ingest = IngestStartedAt.ToUnixTimeMilliseconds();
        var write = WriteSentAt.ToUnixTimeMilliseconds();
        return string.Create(Inv, $"{Id} {arrived} {ingest - arrived} {write - ingest}");
    }

    /// <summary>The trace <see cref="Encode"/> wrote; null for anything else (a missing or foreign attribute is not a trace).</summary>
    public static EventTrace? TryDecode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(' ');
        if (parts.Length != 4 || parts[0].Length == 0
            || !long.TryParse(parts[1], NumberStyles.Integer, Inv, out var arrived)
            || !long.TryParse(parts[2], NumberStyles.Integer, Inv, out var toIngest)
            || !long.TryParse(parts[3], NumberStyles.Integer, Inv, out var toWrite))
        {
            return null;
        }

        try
        {
            var arrivedAt = DateTimeOffset.FromUnixTimeMilliseconds(arrived);
            return new EventTrace(parts[0], arrivedAt, arrivedAt.AddMilliseconds(toIngest), arrivedAt.AddMilliseconds(toIngest + toWrite));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
