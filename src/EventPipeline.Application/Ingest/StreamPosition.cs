using System.Globalization;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// Where an event sits in its shard: the Kinesis sequence number, the KPL sub-record index and the fan-out index
/// within the record. Encoded as a fixed-width string so positions compare ordinally — Kinesis sequence numbers have
/// up to 129 digits, more than DynamoDB's 38-digit numbers hold.
/// </summary>
public readonly record struct StreamPosition(string SequenceNumber, int SubSequence, int FanOut) : IComparable<StreamPosition>
{
    private const int SequenceWidth = 129;

    /// <summary>Fixed-width, ordinally comparable form.</summary>
    public string Encoded =>
        string.Concat(
            SequenceNumber.PadLeft(SequenceWidth, '0'),
            ".",
            SubSequence.ToString("D6", CultureInfo.InvariantCulture),
            ".",
            FanOut.ToString("D6", CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public int CompareTo(StreamPosition other) => string.CompareOrdinal(Encoded, other.Encoded);

    public static bool operator <(StreamPosition left, StreamPosition right) => left.CompareTo(right) < 0;

    public static bool operator <=(StreamPosition left, StreamPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >(StreamPosition left, StreamPosition right) => left.CompareTo(right) > 0;

    public static bool operator >=(StreamPosition left, StreamPosition right) => left.CompareTo(right) >= 0;
}
