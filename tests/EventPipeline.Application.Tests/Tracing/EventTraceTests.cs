using EventPipeline.Application.Tracing;

namespace EventPipeline.Application.Tests.Tracing;

/// <summary>The compact trace kept in entity items and read back from their stream records.</summary>
public sealed class EventTraceTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 1, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Encode_ThenDecode_GivesTheSameTraceToTheMillisecond()
    {
        var trace = new EventTrace("shardId-000000000003:49680735949813221851534432791948726249893209830653427714", Arrived, Arrived.AddMilliseconds(41), Arrived.AddMilliseconds(47));

        var decoded = EventTrace.TryDecode(trace.Encode());

        Assert.Equal(trace, decoded);
    }

    [Fact]
    public void Encode_KeepsTheIdAndOffsets_AboutAHundredBytes()
    {
        var trace = new EventTrace(EventTrace.IdOf("shardId-000000000000", "49680735949813221851534432791948726249893209830653427714"), Arrived, Arrived.AddMilliseconds(5), Arrived.AddMilliseconds(9));

        var encoded = trace.Encode();

        Assert.Equal($"shardId-000000000000:49680735949813221851534432791948726249893209830653427714 {Arrived.ToUnixTimeMilliseconds()} 5 4", encoded);
        Assert.InRange(encoded.Length, 80, 110);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("just-an-id")]
    [InlineData("id 12 x 3")]
    [InlineData("id 1 2 3 4")]
    [InlineData(" 1 2 3")]
    public void TryDecode_NotATrace_IsNull(string? text) => Assert.Null(EventTrace.TryDecode(text));

    [Fact]
    public void PushTiming_Stages_AreTheDifferencesOfConsecutiveStamps()
    {
        var trace = new EventTrace("s:1", Arrived, Arrived.AddMilliseconds(100), Arrived.AddMilliseconds(130));
        var timing = new PushTiming(trace, Arrived.AddMilliseconds(400), Arrived.AddMilliseconds(420), TimeSpan.FromMilliseconds(3));

        Assert.Equal(TimeSpan.FromMilliseconds(100), timing.StreamToIngest);
        Assert.Equal(TimeSpan.FromMilliseconds(30), timing.Ingest);
        Assert.Equal(TimeSpan.FromMilliseconds(270), timing.WriteToPublish);
        Assert.Equal(TimeSpan.FromMilliseconds(20), timing.Publish);
        Assert.Equal(TimeSpan.FromMilliseconds(423), timing.ArrivalToPosted);
    }
}
