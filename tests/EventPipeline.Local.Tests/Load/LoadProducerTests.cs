using EventPipeline.Local.Load;
using EventPipeline.Local.Tests.EventSources;

namespace EventPipeline.Local.Tests.Load;

/// <summary>What <c>load</c>'s producer puts and what rate it reports, against a fake stream (nothing running).</summary>
public sealed class LoadProducerTests
{
    private static readonly string[] Tenants = ["t0", "t1", "t2"];

    [Fact]
    public async Task RunAsync_StreamRefusesSomeRecordsOnce_PutsEveryEventExactlyOnce()
    {
        var kinesis = new FakeKinesisClient { Refuse = (entry, offeredBefore) => offeredBefore == 0 && entry.PartitionKey.EndsWith('7') };
        var producer = new LoadProducer(kinesis, "events", new PushCollector(), "run1", kpl: false);

        var sent = await producer.RunAsync(Tenants, LoadEvents.Sources, rate: 400, TimeSpan.FromSeconds(0.5), new PhaseStages(), null, CancellationToken.None);

        Assert.Equal(200, sent);
        var keys = kinesis.Puts.Select(p => p.Key).ToList();
        Assert.Equal(200, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(200, producer.AcceptedByTenant.Values.Sum());
    }

    [Fact]
    public async Task RunAsync_StreamSlowerThanTheRate_PutSpanIsTheTimeTakenNotTheDuration()
    {
        // Every PutRecords takes 1.5 s: 0.2 s of events at 2,000/s cannot be put in 0.2 s.
        var kinesis = new FakeKinesisClient { PutRecordsDelay = TimeSpan.FromSeconds(1.5) };
        var producer = new LoadProducer(kinesis, "events", new PushCollector(), "run2", kpl: false);
        var phase = new PhaseStages();

        var sent = await producer.RunAsync(Tenants, LoadEvents.Sources, rate: 2_000, TimeSpan.FromSeconds(0.2), phase, null, CancellationToken.None);

        Assert.Equal(400, sent);
        Assert.Equal(400, kinesis.Puts.Count);
        Assert.True(phase.PutSpan >= TimeSpan.FromSeconds(1.5), $"put span {phase.PutSpan}");
    }

    [Fact]
    public async Task RunAsync_StreamTooSlowForTheDeadline_EndsWithWhatWasPutAndSaysWhatWasDue()
    {
        // Every PutRecords takes 0.5 s and takes at most 4 × 500 records a round: 10 s of events at 2,000/s are not put by 1 s (without the deadline all 20,000 would be).
        var kinesis = new FakeKinesisClient { PutRecordsDelay = TimeSpan.FromSeconds(0.5) };
        var producer = new LoadProducer(kinesis, "events", new PushCollector(), "run3", kpl: false);
        var phase = new PhaseStages();

        var put = await producer.RunAsync(Tenants, LoadEvents.Sources, rate: 2_000, TimeSpan.FromSeconds(10), phase, null, CancellationToken.None, putDeadline: TimeSpan.FromSeconds(1));

        Assert.Equal(20_000, phase.Due);
        Assert.InRange(put, 1, 19_999);
        Assert.Equal(put, kinesis.Puts.Count);
        Assert.Equal(put, producer.AcceptedByTenant.Values.Sum());
    }
}
