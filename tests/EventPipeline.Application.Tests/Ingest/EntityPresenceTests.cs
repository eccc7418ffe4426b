using EventPipeline.Application.Ingest;

namespace EventPipeline.Application.Tests.Ingest;

/// <summary>The share of uncached entity items found stored, which decides whether claims guess items new.</summary>
public sealed class EntityPresenceTests
{
    [Fact]
    public void New_ReadsFirst()
    {
        Assert.False(new EntityPresence().GuessNew);
    }

    [Fact]
    public void Observe_MostlyNew_StartsGuessingAndMostlyStoredStops()
    {
        var presence = new EntityPresence();

        presence.Observe(30, 0);
        Assert.True(presence.GuessNew);

        presence.Observe(10, 10);
        Assert.False(presence.GuessNew);
    }

    [Fact]
    public void Observe_SharesBelowAndAboveBreakEven_DecideAccordingly()
    {
        var rare = new EntityPresence();
        var common = new EntityPresence();

        for (var i = 0; i < 50; i++)
        {
            rare.Observe(10, 1);
            common.Observe(10, 3);
        }

        Assert.InRange(rare.Share, 0.09, 0.11);
        Assert.True(rare.GuessNew);
        Assert.InRange(common.Share, 0.29, 0.31);
        Assert.False(common.GuessNew);
    }

    [Fact]
    public void Observe_Nothing_ChangesNothing()
    {
        var presence = new EntityPresence();
        presence.Observe(4, 4);
        var before = presence.Share;

        presence.Observe(0, 0);

        Assert.Equal(before, presence.Share);
    }

    [Fact]
    public void Observe_MoreStoredThanObserved_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EntityPresence().Observe(1, 2));
    }
}
