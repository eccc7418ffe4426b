using System.Buffers;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// The live windows of a metric item as one binary attribute (DynamoDB bills its raw bytes): per granularity present,
/// its index and window count, then per window the bucket (minutes since the epoch, as the difference from the previous
/// window) and count as unsigned LEB128, and sum, min and max as decimals (a byte of scale and sign, then the 96-bit
/// mantissa as LEB128). About 12 bytes a window instead of ~40 as named attributes.
/// </summary>
public static class WindowPacking
{
    /// <summary>Packs <paramref name="windows"/> (any order).</summary>
    public static byte[] Pack(IEnumerable<WindowState> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var buffer = new ArrayBufferWriter<byte>(256);
        foreach (var group in windows.GroupBy(w => w.WindowKey.Granularity).OrderBy(g => g.Key))
        {
            var list = group.OrderBy(w => w.WindowKey.BucketStart).ToList();
            Byte(buffer, (byte)group.Key);
            UInt(buffer, (ulong)list.Count);
            long previous = 0;
            foreach (var w in list)
            {
                var minutes = w.WindowKey.BucketStart.ToUnixTimeSeconds() / 60;
                UInt(buffer, (ulong)(minutes - previous));
                previous = minutes;
                UInt(buffer, (ulong)w.Stats.Count);
                Decimal(buffer, w.Stats.Sum);
                Decimal(buffer, w.Stats.Min ?? 0);
                Decimal(buffer, w.Stats.Max ?? 0);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The windows <paramref name="packed"/> holds, for <paramref name="tenant"/> and <paramref name="metric"/>.</summary>
    public static IEnumerable<WindowState> Unpack(ReadOnlyMemory<byte> packed, string tenant, string metric)
    {
        var result = new List<WindowState>();
        var span = packed.Span;
        var i = 0;
        while (i < span.Length)
        {
            var g = (Granularity)span[i++];
            var n = (int)ReadUInt(span, ref i);
            long minutes = 0;
            for (var k = 0; k < n; k++)
            {
                minutes += (long)ReadUInt(span, ref i);
                var w = new WindowState(new WindowKey(tenant, metric, g, DateTimeOffset.FromUnixTimeSeconds(minutes * 60)));
                w.Stats.Count = (long)ReadUInt(span, ref i);
                w.Stats.Sum = ReadDecimal(span, ref i);
                w.Stats.Min = ReadDecimal(span, ref i);
                w.Stats.Max = ReadDecimal(span, ref i);
                result.Add(w);
            }
        }

        return result;
    }

    private static void Byte(ArrayBufferWriter<byte> buffer, byte b)
    {
        buffer.GetSpan(1)[0] = b;
        buffer.Advance(1);
    }

    private static void UInt(ArrayBufferWriter<byte> buffer, UInt128 value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            Byte(buffer, value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
    }

    private static void Decimal(ArrayBufferWriter<byte> buffer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        var negative = bits[3] < 0;
        Byte(buffer, (byte)(scale | (negative ? 0x80 : 0)));
        UInt(buffer, ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0]);
    }

    private static UInt128 ReadUInt(ReadOnlySpan<byte> span, ref int i)
    {
        UInt128 value = 0;
        var shift = 0;
        while (true)
        {
            var b = span[i++];
            value |= (UInt128)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }

            shift += 7;
        }
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> span, ref int i)
    {
        var head = span[i++];
        var mantissa = ReadUInt(span, ref i);
        return new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), (head & 0x80) != 0, (byte)(head & 0x7F));
    }
}
