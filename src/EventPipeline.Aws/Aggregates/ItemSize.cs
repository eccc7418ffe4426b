using System.Text;
using Amazon.DynamoDBv2.Model;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// An item's size by DynamoDB's published rules — attribute names plus values: strings as UTF-8 bytes, binaries as raw
/// bytes, numbers about one byte per two significant digits plus one, booleans and nulls one byte, lists and maps three
/// bytes plus one per element — and the capacity units that size costs: 1 write unit per started KB, 1 strongly
/// consistent read unit per started 4 KB.
/// </summary>
public static class ItemSize
{
    /// <summary>Size in bytes of <paramref name="item"/>.</summary>
    public static int Bytes(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var size = 0;
        foreach (var (name, value) in item)
        {
            size += Encoding.UTF8.GetByteCount(name) + ValueBytes(value);
        }

        return size;
    }

    /// <summary>Write units one write of an item this size costs (a put over an existing item costs the larger of the two).</summary>
    public static int WriteUnits(int bytes) => Math.Max(1, (bytes + 1023) / 1024);

    /// <summary>Strongly consistent read units for reading an item this size on its own (GetItem, each BatchGetItem key).</summary>
    public static int ReadUnits(int bytes) => Math.Max(1, (bytes + 4095) / 4096);

    private static int ValueBytes(AttributeValue v)
    {
        if (v.S is not null)
        {
            return Encoding.UTF8.GetByteCount(v.S);
        }

        if (v.N is not null)
        {
            return NumberBytes(v.N);
        }

        if (v.B is not null)
        {
            return (int)v.B.Length;
        }

        if (v.M is not null)
        {
            return 3 + v.M.Sum(e => 1 + Encoding.UTF8.GetByteCount(e.Key) + ValueBytes(e.Value));
        }

        if (v.L is not null)
        {
            return 3 + v.L.Sum(e => 1 + ValueBytes(e));
        }

        if (v.SS is { Count: > 0 })
        {
            return v.SS.Sum(Encoding.UTF8.GetByteCount);
        }

        if (v.NS is { Count: > 0 })
        {
            return v.NS.Sum(NumberBytes);
        }

        if (v.BS is { Count: > 0 })
        {
            return v.BS.Sum(b => (int)b.Length);
        }

        return 1;
    }

    private static int NumberBytes(string n)
    {
        var digits = n.TrimStart('-').Replace(".", "", StringComparison.Ordinal).Trim('0').Length;
        return ((Math.Max(1, digits) + 1) / 2) + 1;
    }
}
