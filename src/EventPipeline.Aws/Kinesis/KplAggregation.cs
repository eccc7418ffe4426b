using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;

namespace EventPipeline.Aws.Kinesis;

/// <summary>
/// The Kinesis Producer Library's aggregated record format: magic <c>F3 89 9A C2</c>, a protobuf
/// <c>AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
/// repeated Record records = 3; }</c> with <c>Record { uint64 partition_key_index = 1; uint64 explicit_hash_key_index = 2;
/// bytes data = 3; repeated Tag tags = 4; }</c>, then the 16-byte MD5 of the protobuf bytes.
/// </summary>
public static class KplAggregation
{
    private const int DigestLength = 16;

    /// <summary>The four bytes every aggregated record starts with.</summary>
    public static ReadOnlySpan<byte> MagicPrefix => [0xF3, 0x89, 0x9A, 0xC2];

    /// <summary>True when <paramref name="data"/> starts with the magic prefix and is long enough to hold the digest.</summary>
    public static bool IsAggregated(ReadOnlySpan<byte> data) =>
        data.Length >= MagicPrefix.Length + DigestLength && data.StartsWith(MagicPrefix);

    /// <summary>
    /// Splits a Kinesis record into its user records. A record without the magic prefix passes through as one user
    /// record. A damaged aggregate (digest mismatch, truncated or malformed protobuf, table index out of range) yields
    /// no records and an <see cref="KplDeaggregationResult.Error"/> saying what is wrong; this never throws for bad data.
    /// </summary>
    public static KplDeaggregationResult Deaggregate(string sequenceNumber, string partitionKey, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(sequenceNumber);
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (!IsAggregated(data.Span))
        {
            return new([new KplUserRecord(sequenceNumber, 0, partitionKey, null, data, IsAggregated: false)], null);
        }

        var protobuf = data[MagicPrefix.Length..^DigestLength];
        Span<byte> digest = stackalloc byte[DigestLength];
#pragma warning disable CA5351 // MD5 is what the KPL format uses as its checksum; it is not used for security here.
        MD5.HashData(protobuf.Span, digest);
#pragma warning restore CA5351
        if (!digest.SequenceEqual(data.Span[^DigestLength..]))
        {
            return Fail("aggregated record digest: the MD5 of the protobuf payload does not match the trailing 16 bytes");
        }

        try
        {
            return Parse(sequenceNumber, protobuf);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Fail($"aggregated record protobuf is malformed or truncated: {ex.Message}");
        }
    }

    /// <summary>
    /// Packs user records into one aggregated record (for the load generator and tests). Put it with the first
    /// entry's partition key, as the KPL does; each user record keeps its own key inside.
    /// </summary>
    public static byte[] Aggregate(IReadOnlyList<KplAggregationEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("entries must hold at least one user record.", nameof(entries));
        }

        var partitionKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var hashKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        using var stream = new MemoryStream();
        stream.Write(MagicPrefix);
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                AddToTable(partitionKeys, entry.PartitionKey);
                if (entry.ExplicitHashKey is not null)
                {
                    AddToTable(hashKeys, entry.ExplicitHashKey);
                }
            }

            // Tables first (field order is free in protobuf; this is the order the KPL writes).
            foreach (var key in partitionKeys.OrderBy(k => k.Value))
            {
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(key.Key);
            }

            foreach (var key in hashKeys.OrderBy(k => k.Value))
            {
                output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                output.WriteString(key.Key);
            }

            foreach (var entry in entries)
            {
                var partitionIndex = (ulong)partitionKeys[entry.PartitionKey];
                ulong? hashIndex = entry.ExplicitHashKey is null ? null : (ulong)hashKeys[entry.ExplicitHashKey];
                var data = UnsafeByteOperations.UnsafeWrap(entry.Data);
                var size = 1 + CodedOutputStream.ComputeUInt64Size(partitionIndex)
                    + (hashIndex is { } h ? 1 + CodedOutputStream.ComputeUInt64Size(h) : 0)
                    + 1 + CodedOutputStream.ComputeBytesSize(data);
                output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                output.WriteLength(size);
                output.WriteTag(1, WireFormat.WireType.Varint);
                output.WriteUInt64(partitionIndex);
                if (hashIndex is { } hash)
                {
                    output.WriteTag(2, WireFormat.WireType.Varint);
                    output.WriteUInt64(hash);
                }

                output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(data);
            }
        }

        var buffer = stream.GetBuffer();
        var protobufLength = (int)stream.Length - MagicPrefix.Length;
        Span<byte> digest = stackalloc byte[DigestLength];
#pragma warning disable CA5351 // The format's checksum is MD5; see Deaggregate.
        MD5.HashData(buffer.AsSpan(MagicPrefix.Length, protobufLength), digest);
#pragma warning restore CA5351
        stream.Write(digest);
        return stream.ToArray();
    }

    private static void AddToTable(Dictionary<string, int> table, string key) => table.TryAdd(key, table.Count);

    private static KplDeaggregationResult Parse(string sequenceNumber, ReadOnlyMemory<byte> protobuf)
    {
        var partitionKeys = new List<string>();
        var hashKeys = new List<string>();
        var raw = new List<(ulong PartitionIndex, ulong? HashIndex, ReadOnlyMemory<byte> Data)>();
        var input = OpenStream(protobuf);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | (uint)WireFormat.WireType.LengthDelimited:
                    partitionKeys.Add(input.ReadString());
                    break;
                case (2 << 3) | (uint)WireFormat.WireType.LengthDelimited:
                    hashKeys.Add(input.ReadString());
                    break;
                case (3 << 3) | (uint)WireFormat.WireType.LengthDelimited:
                    var record = ParseRecord(input.ReadBytes().Memory, raw.Count);
                    if (record.Error is not null)
                    {
                        return Fail(record.Error);
                    }

                    raw.Add((record.PartitionIndex, record.HashIndex, record.Data));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        var records = new List<KplUserRecord>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var (partitionIndex, hashIndex, data) = raw[i];
            if (partitionIndex >= (ulong)partitionKeys.Count)
            {
                return Fail($"records[{i}].partition_key_index {partitionIndex} is out of range: the table has {partitionKeys.Count} keys");
            }

            if (hashIndex is { } h && h >= (ulong)hashKeys.Count)
            {
                return Fail($"records[{i}].explicit_hash_key_index {h} is out of range: the table has {hashKeys.Count} keys");
            }

            records.Add(new KplUserRecord(
                sequenceNumber, i, partitionKeys[(int)partitionIndex], hashIndex is { } k ? hashKeys[(int)k] : null, data, IsAggregated: true));
        }

        return new(records, null);
    }

    private static (ulong PartitionIndex, ulong? HashIndex, ReadOnlyMemory<byte> Data, string? Error) ParseRecord(ReadOnlyMemory<byte> bytes, int index)
    {
        var input = OpenStream(bytes);
        ulong? partitionIndex = null;
        ulong? hashIndex = null;
        ReadOnlyMemory<byte>? data = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | (uint)WireFormat.WireType.Varint:
                    partitionIndex = input.ReadUInt64();
                    break;
                case (2 << 3) | (uint)WireFormat.WireType.Varint:
                    hashIndex = input.ReadUInt64();
                    break;
                case (3 << 3) | (uint)WireFormat.WireType.LengthDelimited:
                    data = input.ReadBytes().Memory;
                    break;
                default:
                    // Tags (field 4) and unknown fields do not change the user record's data.
                    input.SkipLastField();
                    break;
            }
        }

        if (partitionIndex is null)
        {
            return (0, null, default, $"records[{index}].partition_key_index is missing (required)");
        }

        return data is null
            ? (0, null, default, $"records[{index}].data is missing (required)")
            : (partitionIndex.Value, hashIndex, data.Value, null);
    }

    private static CodedInputStream OpenStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(bytes.ToArray());

    private static KplDeaggregationResult Fail(string reason) => new([], reason);
}
