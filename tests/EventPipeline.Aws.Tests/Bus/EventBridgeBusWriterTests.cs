using EventPipeline.Application.Ports;
using EventPipeline.Aws.Bus;
using EventPipeline.Aws.Clients;
using EventPipeline.Testing;

namespace EventPipeline.Aws.Tests.Bus;

/// <summary>PutEvents as the EventBridge API reference documents it: batches, partial failures, throttling.</summary>
public sealed class EventBridgeBusWriterTests : IAsyncLifetime
{
    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static EventBridgeBusWriter Writer(EventBridgeClient client) => new(client, "eventpipeline") { BaseDelay = TimeSpan.FromMilliseconds(1) };

    private static BusEntry Entry(int i, int detailBytes = 0) =>
        new("eventpipeline", "aggregate.changed", $$"""{"n":{{i}},"pad":"{{new string('p', detailBytes)}}"}""");

    private static string Accepted(int count) => "{\"FailedEntryCount\":0,\"Entries\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"EventId":"e-{{i}}"}""")) + "]}";

    [Fact]
    public async Task Put_23Entries_ThreeCallsOfAtMostTen_SignedJson11ToTheBus()
    {
        _server.Enqueue(200, Accepted(10));
        _server.Enqueue(200, Accepted(10));
        _server.Enqueue(200, Accepted(3));
        using var client = new EventBridgeClient(_server.Endpoints());

        var results = await Writer(client).PutAsync([.. Enumerable.Range(0, 23).Select(i => Entry(i))], CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Accepted));
        Assert.Equal([10, 10, 3], _server.Requests.Select(r => r.Json().GetProperty("Entries").GetArrayLength()));
        var request = _server.Requests[0];
        Assert.Equal("AWSEvents.PutEvents", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        var first = request.Json().GetProperty("Entries")[0];
        Assert.Equal("eventpipeline", first.GetProperty("EventBusName").GetString());
        Assert.Equal("aggregate.changed", first.GetProperty("DetailType").GetString());
        FakeAwsServer.AssertSignedFor(request, "events");
    }

    [Fact]
    public async Task Put_EntriesTogetherOverOneMiB_SplitIntoCallsWithinIt()
    {
        _server.Enqueue(200, Accepted(2));
        _server.Enqueue(200, Accepted(1));
        using var client = new EventBridgeClient(_server.Endpoints());

        await Writer(client).PutAsync([Entry(0, 400_000), Entry(1, 400_000), Entry(2, 400_000)], CancellationToken.None);

        Assert.Equal([2, 1], _server.Requests.Select(r => r.Json().GetProperty("Entries").GetArrayLength()));
    }

    [Fact]
    public async Task Put_PartialFailure_OnlyTheThrottledEntryIsPutAgain()
    {
        _server.Enqueue(200, """{"FailedEntryCount":1,"Entries":[{"EventId":"e-0"},{"ErrorCode":"ThrottlingException","ErrorMessage":"Rate exceeded"},{"EventId":"e-2"}]}""");
        _server.Enqueue(200, Accepted(1));
        using var client = new EventBridgeClient(_server.Endpoints());

        var results = await Writer(client).PutAsync([Entry(0), Entry(1), Entry(2)], CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Accepted));
        var retry = _server.Requests[1].Json().GetProperty("Entries");
        Assert.Equal(1, retry.GetArrayLength());
        Assert.Contains("\"n\":1", retry[0].GetProperty("Detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_EntryRefusedForGood_NotRetried_ReturnedWithItsCode()
    {
        _server.Enqueue(200, """{"FailedEntryCount":1,"Entries":[{"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is malformed."}]}""");
        using var client = new EventBridgeClient(_server.Endpoints());

        var result = Assert.Single(await Writer(client).PutAsync([Entry(0)], CancellationToken.None));

        Assert.False(result.Accepted);
        Assert.False(result.Retryable);
        Assert.Equal("MalformedDetail", result.ErrorCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Put_BusKeepsThrottling_GivesUpAfterItsAttempts_RetryableForTheCaller()
    {
        for (var i = 0; i < 20; i++)
        {
            _server.Enqueue(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""");
        }

        using var client = new EventBridgeClient(_server.Endpoints());

        var result = Assert.Single(await new EventBridgeBusWriter(client, "eventpipeline") { Attempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) }.PutAsync([Entry(0)], CancellationToken.None));

        Assert.False(result.Accepted);
        Assert.True(result.Retryable);
    }
}
