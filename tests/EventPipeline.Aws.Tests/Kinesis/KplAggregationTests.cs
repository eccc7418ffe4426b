using System.Security.Cryptography;
using System.Text;
using EventPipeline.Aws.Kinesis;
using Google.Protobuf;

namespace EventPipeline.Aws.Tests.Kinesis;

public class KplAggregationTests
{
    [Fact]
    public void Deaggregate_AggregateOfThree_RoundTripsKeysDataAndSubSequenceNumbers()
    {
        var aggregate = KplAggregation.Aggregate(
        [
            new("tenant-a", Encoding.UTF8.GetBytes("one")),
            new("tenant-b", Encoding.UTF8.GetBytes("two"), ExplicitHashKey: "1234"),
            new("tenant-a", Array.Empty<byte>()),
        ]);

        var result = KplAggregation.Deaggregate("4959", "tenant-a", aggregate);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["tenant-a", "tenant-b", "tenant-a"], result.Records.Select(r => r.PartitionKey));
        Assert.Equal(["one", "two", ""], result.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal([0L, 1L, 2L], result.Records.Select(r => r.SubSequenceNumber));
        Assert.Equal([null, "1234", null], result.Records.Select(r => r.ExplicitHashKey));
        Assert.All(result.Records, r => Assert.True(r.IsAggregated));
        Assert.All(result.Records, r => Assert.Equal("4959", r.SequenceNumber));
        Assert.Equal("4959:1", result.Records[1].Id);
    }

    [Fact]
    public void Aggregate_RepeatedPartitionKey_StoresItOnceInTable()
    {
        var aggregate = KplAggregation.Aggregate([new("same", "1"u8.ToArray()), new("same", "2"u8.ToArray())]);

        var occurrences = CountOccurrences(aggregate, "same"u8.ToArray());

        Assert.Equal(1, occurrences);
        Assert.True(aggregate.AsSpan().StartsWith(KplAggregation.MagicPrefix));
    }

    [Fact]
    public void Deaggregate_PlainRecord_PassesThroughAsOneUserRecord()
    {
        var data = """{"tenant":"a"}"""u8.ToArray();

        var result = KplAggregation.Deaggregate("100", "pk", data);

        var record = Assert.Single(result.Records);
        Assert.Null(result.Error);
        Assert.False(record.IsAggregated);
        Assert.Equal(0, record.SubSequenceNumber);
        Assert.Equal("pk", record.PartitionKey);
        Assert.Equal(data, record.Data.ToArray());
    }

    [Fact]
    public void Deaggregate_MagicButTooShortForDigest_PassesThrough()
    {
        byte[] data = [0xF3, 0x89, 0x9A, 0xC2, 1, 2];

        var result = KplAggregation.Deaggregate("1", "pk", data);

        Assert.False(Assert.Single(result.Records).IsAggregated);
    }

    [Fact]
    public void Deaggregate_DigestMismatch_FailsWithReason()
    {
        var aggregate = KplAggregation.Aggregate([new("pk", "payload"u8.ToArray())]);
        aggregate[^1] ^= 0xFF;

        var result = KplAggregation.Deaggregate("1", "pk", aggregate);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Records);
        Assert.Contains("MD5", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deaggregate_TruncatedProtobufWithMatchingDigest_FailsWithReason()
    {
        var aggregate = KplAggregation.Aggregate([new("pk", Encoding.UTF8.GetBytes(new string('x', 100)))]);
        var protobuf = aggregate.AsSpan(4, aggregate.Length - 20);
        var truncated = Rebuild(protobuf[..^10]);

        var result = KplAggregation.Deaggregate("1", "pk", truncated);

        Assert.False(result.Succeeded);
        Assert.Contains("truncated", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deaggregate_PartitionKeyIndexOutOfRange_FailsNamingTheField()
    {
        // One key in the table, a record pointing at index 3.
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString("pk");
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteLength(6); // index field 2 bytes + data field 4 bytes
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteUInt64(3);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(7, 8));
        }

        var result = KplAggregation.Deaggregate("1", "pk", Rebuild(stream.ToArray()));

        Assert.False(result.Succeeded);
        Assert.Contains("records[0].partition_key_index 3 is out of range", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deaggregate_RecordWithTags_IgnoresTags()
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteString("pk");
            var tag = ByteString.CopyFrom([0x0A, 0x01, (byte)'k']);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteLength(2 + 4 + 2 + tag.Length); // index, data (tag+len+2), tags (tag+len+3)
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteUInt64(0);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(7, 8));
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(tag);
        }

        var result = KplAggregation.Deaggregate("1", "pk", Rebuild(stream.ToArray()));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new byte[] { 7, 8 }, Assert.Single(result.Records).Data.ToArray());
    }

    private static byte[] Rebuild(ReadOnlySpan<byte> protobuf)
    {
#pragma warning disable CA5351 // The format's checksum.
        var digest = MD5.HashData(protobuf);
#pragma warning restore CA5351
        return [.. KplAggregation.MagicPrefix, .. protobuf, .. digest];
    }

    private static int CountOccurrences(byte[] haystack, byte[] needle)
    {
        var count = 0;
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                count++;
            }
        }

        return count;
    }
}
