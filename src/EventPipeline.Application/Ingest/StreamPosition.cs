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
    // The longest encoded form: 3 digits of length, Kinesis's 129-digit maximum, two dots and two 6-digit indexes.
    private const int MaxEncodedLength = 3 + 129 + 1 + 6 + 1 + 6;

    /// <summary>Ordinally comparable form.</summary>
    public string Encoded
    {
        get
        {
            Span<char> buffer = stackalloc char[MaxEncodedLength];
            return new string(buffer[..Format(buffer)]);
        }
    }

    private ReadOnlySpan<char> Digits => SequenceNumber.AsSpan().TrimStart('0') is { Length: > 0 } d ? d : "0";

    /// <inheritdoc />
    /// <remarks>The order of <see cref="Encoded"/>, without building it: shorter digits first, then the digits, then the indexes.</remarks>
    public int CompareTo(StreamPosition other)
    {
        var mine = Digits;
        var theirs = other.Digits;
        if (mine.Length != theirs.Length)
        {
            return mine.Length.CompareTo(theirs.Length);
        }

        var digits = mine.SequenceCompareTo(theirs);
        return digits != 0 ? digits : SubSequence != other.SubSequence ? SubSequence.CompareTo(other.SubSequence) : FanOut.CompareTo(other.FanOut);
    }

    /// <summary>The sign of comparing <see cref="Encoded"/> with <paramref name="encoded"/> ordinally, without allocating.</summary>
    public int CompareTo(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        Span<char> buffer = stackalloc char[MaxEncodedLength];
        return Math.Sign(buffer[..Format(buffer)].CompareTo(encoded.AsSpan(), StringComparison.Ordinal));
    }

    private int Format(Span<char> buffer)
    {
        var digits = Digits;
        var inv = CultureInfo.InvariantCulture;
        digits.Length.TryFormat(buffer, out var n, "D3", inv);
        digits.CopyTo(buffer[n..]);
        n += digits.Length;
        buffer[n++] = '.';
        SubSequence.TryFormat(buffer[n..], out var sub, "D6", inv);
        n += sub;
        buffer[n++] = '.';
        FanOut.TryFormat(buffer[n..], out var fan, "D6", inv);
        return n + fan;
    }

    public static bool operator <(StreamPosition left, StreamPosition right) => left.CompareTo(right) < 0;

    public static bool operator <=(StreamPosition left, StreamPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >(StreamPosition left, StreamPosition right) => left.CompareTo(right) > 0;

    public static bool operator >=(StreamPosition left, StreamPosition right) => left.CompareTo(right) >= 0;
}
