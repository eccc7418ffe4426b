using System.Globalization;
using EventPipeline.Application.Ingest;

namespace EventPipeline.Application.Tests.Ingest;

/// <summary>The stored form of a stream position and the order it defines, compared without building strings.</summary>
public sealed class StreamPositionTests
{
    [Fact]
    public void Encoded_DigitCountDigitsAndBothIndexes_AtFixedWidth()
    {
        Assert.Equal("00549600.000002.000011", new StreamPosition("0049600", 2, 11).Encoded);
        Assert.Equal("0010.000000.000000", new StreamPosition("000", 0, 0).Encoded);
    }

    [Fact]
    public void CompareTo_RandomPositions_OrdersAsTheirEncodedFormsOrdinally()
    {
        var rng = new Random(7);
        var positions = Enumerable.Range(0, 400).Select(_ => Random(rng)).ToList();
        foreach (var a in positions)
        {
            foreach (var b in positions.Take(60))
            {
                var expected = Math.Sign(string.CompareOrdinal(a.Encoded, b.Encoded));
                Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
                Assert.Equal(expected, a.CompareTo(b.Encoded));
            }
        }
    }

    [Fact]
    public void CompareTo_The129DigitMaximum_ComparesWithoutOverflowingItsBuffer()
    {
        var max = new StreamPosition(new string('9', 129), 999_999, 999_999);
        var below = new StreamPosition(new string('9', 128) + "8", 999_999, 999_999);

        Assert.True(max.CompareTo(below.Encoded) > 0);
        Assert.True(below.CompareTo(max) < 0);
        Assert.Equal(0, max.CompareTo(max.Encoded));
    }

    private static StreamPosition Random(Random rng)
    {
        // Lengths and leading zeros vary, and nearby values share long prefixes, as real sequence numbers do.
        var length = rng.Next(1, 60);
        var digits = string.Concat(Enumerable.Range(0, length).Select(i => i < 3 && rng.Next(4) == 0 ? '0' : (char)('0' + rng.Next(3))));
        return new StreamPosition(digits, rng.Next(3), rng.Next(3));
    }
}
