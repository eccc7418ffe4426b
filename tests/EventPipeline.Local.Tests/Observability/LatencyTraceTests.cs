using System.Text.Json;
using EventPipeline.Application.Tracing;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Observability;

/// <summary>The trace of one record, from the put to the push, and the stages the stack times, on the shared stack.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class LatencyTraceTests(LocalStackFixture fx)
{
    [Fact]
    public async Task PutRecord_EntityPush_CarriesTheRecordsIdAndEachStagesStamp()
    {
        var tenant = LocalStackFixture.NewTenant("lt");
        await using var socket = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await socket.SubscribeAsync("entity/order/7");

        var put = await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:order/7", LocalStackFixture.CloudEvent(tenant, "trace-1", "order/7"), CancellationToken.None);

        var push = await socket.WaitForAsync(m => TestSocket.Is(m, "change") && m.GetProperty("channel").GetString() == "entity/order/7", "the entity push");
        var trace = push.GetProperty("trace");
        Assert.Equal(EventTrace.IdOf(put.ShardId, put.SequenceNumber), trace.GetProperty("id").GetString());
        // Each stamp comes at or after the one before it (a millisecond of slack: two clocks' roundings).
        var stamps = new[] { "arrivedAt", "ingestAt", "writeAt", "publishAt", "postAt" }.Select(n => trace.GetProperty(n).GetInt64()).ToList();
        Assert.All(stamps.Zip(stamps.Skip(1)), pair => Assert.True(pair.Second >= pair.First - 1, $"stamps out of order: {string.Join(", ", stamps)}"));
    }

    [Fact]
    public async Task MetricsLatency_AfterATracedPush_ShowsEveryStageTheStackTimes()
    {
        var tenant = LocalStackFixture.NewTenant("lm");
        await using var socket = await fx.ConnectAsync(fx.Stack.IssueToken(tenant));
        await socket.SubscribeAsync("tenant");
        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, $"{tenant}:order/8", LocalStackFixture.CloudEvent(tenant, "trace-2", "order/8"), CancellationToken.None);
        await socket.WaitForAsync(m => TestSocket.Is(m, "change") && m.TryGetProperty("trace", out _), "a traced push");

        using var response = await fx.Http.GetAsync("metrics/latency?histograms=1");

        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("default", root.GetProperty("mode").GetString());
        Assert.Equal("stream", root.GetProperty("ingestMapping").GetProperty("source").GetString());
        var stages = root.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s);
        Assert.Equal(Local.Latency.PipelineStages.All.Select(s => s.Name), stages.Keys);
        foreach (var name in new[] { "kinesis.visible", "kinesis.batching", "ingest.dedup", "stream.visible", "stream.batching", "push.streamToIngest", "push.writeToPublish", "push.post", "push.arrivalToPost" })
        {
            Assert.True(stages[name].GetProperty("total").GetProperty("count").GetInt64() >= 1, $"{name} has no values");
            Assert.True(stages[name].GetProperty("recent").GetProperty("count").GetInt64() >= 1, $"{name} has no recent values");
            Assert.False(string.IsNullOrEmpty(stages[name].GetProperty("histogram").GetString()));
        }
    }
}
