using EventPipeline.Local.Load;

namespace EventPipeline.Local.Tests.Load;

/// <summary>The bill per million events includes what Publish and the bus spend, not only Ingest's writes.</summary>
public sealed class CostModelTests
{
    [Fact]
    public void PerMillionEvents_PublishCapacityAndBusEvents_AreBilledAtTheirPrices()
    {
        var inputs = new CostInputs(
            BatchSize: 5, BatchDurationMs: 4, MemoryMb: 256, EventBytes: 450, WriteUnitsPerEvent: 1.7, ReadUnitsPerEvent: 0.1,
            PushesPerEvent: 1, PublishBatchDurationMs: 50, PublishBatchSize: 100,
            PublishWriteUnitsPerEvent: 3.2, PublishReadUnitsPerEvent: 0.4, BusEventsPerEvent: 2.5);

        var lines = CostModel.PerMillionEvents(inputs).ToDictionary(l => (l.Service, l.Item), l => l.Usd);

        Assert.Equal(3.2 * 0.625, lines[("DynamoDB", "publish sequences + change log (WRU)")], 9);
        Assert.Equal(0.4 * 0.125, lines[("DynamoDB", "publish subscriber lookups (RRU)")], 9);
        Assert.Equal(2.5 * 1.00, lines[("EventBridge", "aggregate.changed events")], 9);
        Assert.Contains("3.20 WRU/event", CostModel.Format(inputs), StringComparison.Ordinal);
    }
}
