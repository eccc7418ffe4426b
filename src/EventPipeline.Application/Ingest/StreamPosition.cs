using System.Globalization;

namespace EventPipeline.Application.Ingest;

/// <summary>
/// Where an event sits in its shard: the Kinesis sequence number, the KPL sub-record index and the fan-out index
/// within the record. Encoded as a string that compares ordinally: the digit count (3 digits), the digits, then the
/// two indexes at fixed width — Kinesis sequence numbers have up to 129 digits, more than DynamoDB's 38-digit numbers
/// hold, and padding every one to 129 digits cost ~70 bytes per watermark on every item.
/// </summary>
public readonly record struct StreamPosition(string SequenceNumber, int SubSequence, int FanOut) : IComparable<StreamPosition>
{
    /// <summary>Ordinally comparable form.</summary>
    public string Encoded =>
        string.Concat(
            Digits.Length.ToString("D3", CultureInfo.InvariantCulture),
            Digits,
            ".",
            SubSequence.ToString("D6", CultureInfo.InvariantCulture),
            ".",
            FanOut.ToString("D6", CultureInfo.InvariantCulture));

    private string Digits => SequenceNumber.TrimStart('0') is { Length: > 0 } d ? d : "0";

    /// <inheritdoc />
    public int CompareTo(StreamPosition other) => string.CompareOrdinal(Encoded, other.Encoded);

    public static bool operator <(StreamPosition left, StreamPosition right) => left.CompareTo(right) < 0;

    public static bool operator <=(StreamPosition left, StreamPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >(StreamPosition left, StreamPosition right) => left.CompareTo(right) > 0;

    public static bool operator >=(StreamPosition left, StreamPosition right) => left.CompareTo(right) >= 0;
}
