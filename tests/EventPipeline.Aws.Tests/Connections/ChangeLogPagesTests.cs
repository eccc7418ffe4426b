using EventPipeline.Application.Ports;
using EventPipeline.Aws.Connections;

namespace EventPipeline.Aws.Tests.Connections;

/// <summary>How an append is cut into page items: by count, by payload bytes, at breaks in the sequences; always the same way.</summary>
public sealed class ChangeLogPagesTests
{
    private static List<ChangeEntry> Run(long first, int count, int payloadBytes = 10) =>
        [.. Enumerable.Range(0, count).Select(i => new ChangeEntry(first + i, new string('x', payloadBytes)))];

    [Fact]
    public void Pages_SixtyConsecutiveEntries_ThreePagesOfAtMostTwentyFive()
    {
        var pages = DynamoChangeLog.Pages(Run(7, 60)).ToList();

        Assert.Equal([25, 25, 10], pages.Select(p => p.Count));
        Assert.Equal([7L, 32L, 57L], pages.Select(p => p[0].Sequence));
    }

    [Fact]
    public void Pages_PayloadsPastTheByteCap_StartANewPage_AndAnEntryLargerThanTheCapStandsAlone()
    {
        var third = DynamoChangeLog.MaxPageBytes / 3;
        var entries = Run(1, 4, third + 1).Append(new ChangeEntry(5, new string('y', DynamoChangeLog.MaxPageBytes + 1))).Append(new ChangeEntry(6, "z"));

        var pages = DynamoChangeLog.Pages(entries).ToList();

        Assert.Equal([[1L, 2L], [3L, 4L], [5L], [6L]], pages.Select(p => p.Select(e => e.Sequence).ToList()));
    }

    [Fact]
    public void Pages_BreakInTheSequences_StartsANewPage_InSequenceOrderWhateverTheInputOrder()
    {
        var entries = new[] { new ChangeEntry(12, "c"), new ChangeEntry(3, "a"), new ChangeEntry(4, "b") };

        var pages = DynamoChangeLog.Pages(entries).ToList();

        Assert.Equal([[3L, 4L], [12L]], pages.Select(p => p.Select(e => e.Sequence).ToList()));
    }

    [Fact]
    public void EntriesOf_PageAndEarlierLayout_GiveTheirSequences()
    {
        Assert.Equal([(9L, "a"), (10L, "b")], DynamoChangeLog.EntriesOf(9, ["a", "b"], null).Select(e => (e.Sequence, e.Payload)));
        Assert.Equal([(4L, "old")], DynamoChangeLog.EntriesOf(4, null, "old").Select(e => (e.Sequence, e.Payload)));
        Assert.Empty(DynamoChangeLog.EntriesOf(0, null, null));
    }
}
