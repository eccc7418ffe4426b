using System.Text.Json;
using EventPipeline.Application.Bus;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Application.Tests.Bus;

/// <summary>Changes onto the event bus with in-memory ports: nothing running.</summary>
public sealed class ChangeBroadcastTests
{
    private readonly InMemoryEventBus _bus = new();
    private readonly InMemoryDeadLetters _deadLetters = new();
    private readonly ChangeBroadcast _broadcast;

    public ChangeBroadcastTests() =>
        _broadcast = new ChangeBroadcast(_bus, _deadLetters, new FakeTimeProvider(), new BusEventNames("eventpipeline", "aggregate.changed", "bus-fn"));

    private static LoggedChange Change(long sequence, string channel = "tenant", string data = """{"kind":"entity","version":1}""") =>
        new($"rec-{sequence}", "acme", channel, sequence, $$"""{"type":"change","channel":"{{channel}}","sequence":{{sequence}},"data":{{data}}}""");

    [Fact]
    public async Task Process_TenantChannelEntries_OneEventEachWithTenantSequenceIdAndTheAggregate()
    {
        var result = await _broadcast.ProcessAsync([Change(7), Change(3, "entity/order/1")], CancellationToken.None);

        Assert.Equal(1, result.Published);
        Assert.Equal(1, result.Skipped);
        var entry = Assert.Single(_bus.Accepted);
        Assert.Equal("eventpipeline", entry.Source);
        Assert.Equal("aggregate.changed", entry.DetailType);
        using var detail = JsonDocument.Parse(entry.Detail);
        Assert.Equal("acme/tenant/7", detail.RootElement.GetProperty("id").GetString());
        Assert.Equal("acme", detail.RootElement.GetProperty("tenant").GetString());
        Assert.Equal(7, detail.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal("""{"kind":"entity","version":1}""", detail.RootElement.GetProperty("aggregate").GetRawText());
    }

    [Fact]
    public async Task Process_BusDown_EveryRecordFailedBackForRetry_NothingDeadLettered()
    {
        _bus.Unavailable = true;

        var result = await _broadcast.ProcessAsync([Change(1), Change(2)], CancellationToken.None);

        Assert.Equal(["rec-1", "rec-2"], result.FailedRecordIds);
        Assert.Empty(_deadLetters.Entries);
    }

    [Fact]
    public async Task Process_EntryOverTheBusLimit_DeadLetteredWithTheLimit_TheOthersPublished()
    {
        var big = $$"""{"kind":"entity","pad":"{{new string('x', 1024 * 1024)}}"}""";

        var result = await _broadcast.ProcessAsync([Change(1, data: big), Change(2)], CancellationToken.None);

        Assert.Equal(1, result.Published);
        var letter = Assert.Single(_deadLetters.Entries);
        Assert.Equal("bus-rejected", letter.Category);
        Assert.Equal("detail", letter.Field);
        Assert.StartsWith("must be at most 1048576 bytes", letter.Rule, StringComparison.Ordinal);
        Assert.Equal("acme", letter.Tenant);
        Assert.Empty(result.FailedRecordIds);
    }

    [Fact]
    public async Task Process_EntryTheBusRefusesForGood_DeadLetteredWithItsCode()
    {
        _bus.Refuse = "poison";

        var result = await _broadcast.ProcessAsync([Change(1, data: """{"kind":"entity","note":"poison"}""")], CancellationToken.None);

        Assert.Equal(1, result.DeadLettered);
        Assert.Contains("MalformedDetail", Assert.Single(_deadLetters.Entries).Rule, StringComparison.Ordinal);
    }
}
