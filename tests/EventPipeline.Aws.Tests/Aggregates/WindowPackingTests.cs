using EventPipeline.Aws.Aggregates;
using EventPipeline.Domain.Aggregation;

namespace EventPipeline.Aws.Tests.Aggregates;

public sealed class WindowPackingTests
{
    [Fact]
    public void Unpack_OfPack_GivesTheSameWindowsWithExactDecimals()
    {
        var start = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var windows = new[]
        {
            Window(Granularity.Minute, start, 3, -0.001m, -7.25m, 79228162514264337593543950335m),
            Window(Granularity.Minute, start.AddMinutes(59), 1, 0m, 0m, 0m),
            Window(Granularity.Day, start.Date, long.MaxValue, 12345.678901234567890123456789m, -1m, 2m),
        };

        var back = WindowPacking.Unpack(WindowPacking.Pack(windows), "t", "m").ToList();

        Assert.Equal(windows.Length, back.Count);
        foreach (var w in windows)
        {
            var b = Assert.Single(back, x => x.WindowKey == w.WindowKey);
            Assert.True(b.SameContentAs(w));
            Assert.Equal(w.Stats.Sum.Scale, b.Stats.Sum.Scale);
        }
    }

    [Fact]
    public void Pack_SixtyMinuteWindows_StaysUnderOneKilobyte()
    {
        var start = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var windows = Enumerable.Range(0, 60).Select(i => Window(Granularity.Minute, start.AddMinutes(i), 40, 1234.56m, 1.5m, 99.99m));

        Assert.True(WindowPacking.Pack(windows).Length < 1024);
    }

    private static WindowState Window(Granularity g, DateTimeOffset bucket, long count, decimal sum, decimal min, decimal max)
    {
        var w = new WindowState(new WindowKey("t", "m", g, bucket));
        w.Stats.Count = count;
        w.Stats.Sum = sum;
        w.Stats.Min = min;
        w.Stats.Max = max;
        return w;
    }
}
