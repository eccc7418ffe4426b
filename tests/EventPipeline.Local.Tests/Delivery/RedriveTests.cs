using System.Text.Json;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Local.Cli;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Application.DeadLetters;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>
/// A good Graph notification whose enrichment keeps failing (the fake Graph answers 403, as for revoked consent: not
/// retried inside the fetch, not counted by the circuit breaker) exhausts the mapping's retries, lands in the dead-letter
/// store through the on-failure destination, and is redriven once Graph is healed.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class RedriveTests(LocalStackFixture fx)
{
    private Redrive Service => new(fx.Stack.DeadLetters, fx.Kinesis, fx.Stack.Settings.EventsStream);

    [Fact]
    public async Task Redrive_AfterEnrichmentHealed_AppliedOnce_AndRedrivingAgainChangesNothing()
    {
        var tenant = LocalStackFixture.NewTenant("r");
        var resource = $"users/{tenant}/messages/m1";
        var letter = await DeadLetterUnreachableGraphAsync(tenant, resource, "m1");
        // Dead-lettered by Ingest itself once Graph stayed down through the fetch's retries, with the record's bytes and
        // the source named: the shard went on behind it instead of waiting for Graph.
        Assert.Equal("source-unavailable", letter.Category);
        Assert.Equal("record", letter.Field);
        Assert.Equal("graph", letter.Source);
        Assert.Contains("redrive once it answers", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(0, letter.RedriveCount);
        Assert.False(letter.DataOmitted);
        Assert.Equal(0, await fx.EventCountAsync(tenant));

        await fx.SetGraphFailureAsync(resource, null);
        var outcome = Assert.Single(await Service.RedriveAsync([letter.Id], CancellationToken.None));
        Assert.True(outcome.Redriven, outcome.Error);
        await DeliveryKit.UntilAsync(() => fx.EntityCountAsync(tenant, "message/m1"), 1, "the redriven notification applied");
        // Redriven: it leaves the queue (what is left there still needs attention).
        Assert.Null(await fx.Stack.DeadLetters.GetAsync(letter.Id, CancellationToken.None));
        var gone = Assert.Single(await Service.RedriveAsync([letter.Id], CancellationToken.None));
        Assert.False(gone.Redriven);

        // The same record again (a second redrive from elsewhere): the same dedup id, so the ingest skips it.
        var again = await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, DeliveryKit.GraphNotification(tenant, resource, "m1"), CancellationToken.None);
        await PutMarkerAndWaitAsync(tenant, again.SequenceNumber);

        Assert.Equal(1, await fx.EntityCountAsync(tenant, "message/m1"));
        await EventsCountedAsync(tenant, 2); // the notification + the marker
        Assert.Empty(await fx.LettersAsync([outcome.SequenceNumber!, again.SequenceNumber]));
    }

    [Fact]
    public async Task DlqRedrive_EntryAlreadyAppliedByProviderResend_NotCountedTwice()
    {
        var tenant = LocalStackFixture.NewTenant("r");
        var resource = $"users/{tenant}/messages/m2";
        var letter = await DeadLetterUnreachableGraphAsync(tenant, resource, "m2");
        await fx.SetGraphFailureAsync(resource, null);

        // Graph redelivers the same notification on its own; it is applied.
        await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, DeliveryKit.GraphNotification(tenant, resource, "m2"), CancellationToken.None);
        await DeliveryKit.UntilAsync(() => fx.EntityCountAsync(tenant, "message/m2"), 1, "the resent notification applied");

        // The operator redrives the old entry through the CLI anyway.
        var (exit, output, error) = await RunDlqAsync("redrive", letter.Id);
        Assert.True(exit == 0, error);
        Assert.Contains($"redriven {letter.Id} -> sequence ", output, StringComparison.Ordinal);
        var sequence = output.Split("-> sequence ")[1].Split('\n')[0].Trim();
        await PutMarkerAndWaitAsync(tenant, sequence);

        Assert.Equal(1, await fx.EntityCountAsync(tenant, "message/m2"));
        await EventsCountedAsync(tenant, 2);

        var (listExit, list, _) = await RunDlqAsync("list", "--json", "--category", "source-unavailable");
        Assert.Equal(0, listExit);
        var listed = JsonSerializer.Deserialize(list, DeadLetterJsonContext.Default.ListDeadLetterEntry)!;
        Assert.DoesNotContain(listed, e => e.Id == letter.Id);
        Assert.All(listed, e => Assert.Equal("source-unavailable", e.Category));
    }

    [Fact]
    public async Task DlqList_Table_ShowsIdCategoryReasonTenantSourceAttemptsRedriven()
    {
        var tenant = LocalStackFixture.NewTenant("l");
        var put = await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, DeliveryKit.Envelope(tenant, "nowhere", "{}"), CancellationToken.None);
        var letter = await LocalStackFixture.EventuallyAsync(async () => (await fx.LettersAsync([put.SequenceNumber])).SingleOrDefault(), "the dead letter");

        var (exit, output, _) = await RunDlqAsync("list");

        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        foreach (var column in new[] { "CATEGORY", "REASON", "TENANT", "SOURCE", "ATTEMPTS", "REDRIVEN" })
        {
            Assert.Contains(column, lines[0], StringComparison.Ordinal);
        }

        var row = Assert.Single(lines, l => l.StartsWith(letter.Id + " ", StringComparison.Ordinal));
        Assert.Contains("unknown-source", row, StringComparison.Ordinal);
        Assert.Contains("source: must be one of", row, StringComparison.Ordinal);
        Assert.Contains(tenant, row, StringComparison.Ordinal);
        Assert.Contains("nowhere", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DlqRedrive_UnknownId_OneErrorLineAndNonZeroExit()
    {
        var (exit, _, error) = await RunDlqAsync("redrive", "shardId-000000000000/does-not-exist");
        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: shardId-000000000000/does-not-exist: id: no dead-letter entry has this id (see 'dlq list')", line);
    }

    [Fact]
    public async Task DlqRedrive_NeitherOrBothIdsAndAll_UsageErrorExit2()
    {
        foreach (var args in new[] { new[] { "redrive" }, new[] { "redrive", "some-id", "--all" } })
        {
            var (exit, _, error) = await RunDlqAsync(args);
            Assert.Equal(2, exit);
            Assert.Equal("error: redrive: give dead-letter ids or --all (not both)", error.Trim());
        }
    }

    [Fact]
    public async Task DlqList_NoEndpointsFile_OneErrorLineNamingTheFile()
    {
        var root = Directory.CreateTempSubdirectory("ep-cli-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var command = DlqCommand.Create(_ => Task.FromResult(LocalEndpoints.Load(root)), output, error);
            var exit = await new System.CommandLine.RootCommand { command }.Parse(["dlq", "list"]).InvokeAsync();

            Assert.Equal(1, exit);
            var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: endpoints: ", line, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(root, ".eventpipeline", "endpoints.json"), line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Puts a Graph notification for a resource the fake Graph refuses, and returns its dead letter.</summary>
    private async Task<DeadLetterEntry> DeadLetterUnreachableGraphAsync(string tenant, string resource, string messageId)
    {
        await fx.SetGraphFailureAsync(resource, 403);
        var put = await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, DeliveryKit.GraphNotification(tenant, resource, messageId), CancellationToken.None);
        return await LocalStackFixture.EventuallyAsync(
            async () => (await fx.LettersAsync([put.SequenceNumber])).SingleOrDefault(),
            "the notification dead-lettered once Graph stayed unavailable");
    }

    /// <summary>
    /// Puts a marker event behind <paramref name="afterSequence"/> on the same shard (same partition key: the tenant) and
    /// waits for it: once it is applied, everything before it on the shard has been processed.
    /// </summary>
    private async Task PutMarkerAndWaitAsync(string tenant, string afterSequence)
    {
        var marker = await fx.Kinesis.PutRecordAsync(fx.Stack.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, "marker", "marker/1"), CancellationToken.None);
        Assert.True(string.CompareOrdinal(marker.SequenceNumber.PadLeft(64, '0'), afterSequence.PadLeft(64, '0')) > 0, "the marker follows the redriven record");
        await DeliveryKit.UntilAsync(() => fx.EntityCountAsync(tenant, "marker/1"), 1, "the marker applied");
    }

    /// <summary>
    /// Waits until the tenant's <c>events</c> total is <paramref name="expected"/> (a batch writes its entity items before
    /// its metric items, so the marker's entity can be read a moment before it is counted), then checks it stays there.
    /// </summary>
    private async Task EventsCountedAsync(string tenant, long expected)
    {
        await DeliveryKit.UntilAsync(() => fx.EventCountAsync(tenant), expected, $"{expected} events counted");
        await Task.Delay(1000);
        Assert.Equal(expected, await fx.EventCountAsync(tenant));
    }

    private async Task<(int Exit, string Output, string Error)> RunDlqAsync(params string[] args)
    {
        var endpoints = fx.Stack.Endpoints;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = DlqCommand.Create(_ => Task.FromResult(endpoints), output, error);
        var exit = await new System.CommandLine.RootCommand { command }.Parse(["dlq", .. args]).InvokeAsync();
        return (exit, output.ToString(), error.ToString());
    }
}
