using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Aws.Connections;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>The DynamoDB change log on the local stack's table: what a reader sees between Publish's allocate and append.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ChangeLogTests(LocalStackFixture fx)
{
    /// <summary>
    /// A range allocated and not yet appended is on its way, not lost: the log is read up to it (no gap), so a resume
    /// or a REST fill does not reload. A hole below the last allocation stays a gap.
    /// </summary>
    [Fact]
    public async Task ReadSince_LastRangeAllocatedNotYetAppended_ReadsUpToItWithoutGap()
    {
        var log = new DynamoChangeLog(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.ChangeLogTable, TimeProvider.System, TimeSpan.FromHours(1));
        var tenant = LocalStackFixture.NewTenant("cl");
        var first = await log.AllocateAsync(tenant, "tenant", "b1", 4, CancellationToken.None);
        await log.AppendAsync([new ChannelAppend(tenant, "tenant", [.. Enumerable.Range(0, 4).Select(i => new ChangeEntry(first + i, $"{{\"n\":{first + i}}}"))])], CancellationToken.None);
        await log.AllocateAsync(tenant, "tenant", "b2", 3, CancellationToken.None);

        var read = await log.ReadSinceAsync(tenant, "tenant", 1, 100, CancellationToken.None);

        Assert.False(read.Gap);
        Assert.Equal([2L, 3L, 4L], read.Entries.Select(e => e.Sequence));
        Assert.Equal(4, read.Latest);
        var none = await log.ReadSinceAsync(tenant, "tenant", 4, 100, CancellationToken.None);
        Assert.False(none.Gap);
        Assert.Empty(none.Entries);
        Assert.Equal(4, none.Latest);
    }

    /// <summary>
    /// A batch's entries on one channel are pages of at most 25 consecutive sequences, one item each; a read that starts
    /// inside a page gets the rest of it and what follows, in order, and a limit cuts the run without calling it a gap.
    /// </summary>
    [Fact]
    public async Task Append_SixtyEntries_ThreePageItems_ReadFromInsideAPageInOrder()
    {
        var log = Log();
        var tenant = LocalStackFixture.NewTenant("cl");
        var first = await log.AllocateAsync(tenant, "tenant", "b1", 60, CancellationToken.None);
        await log.AppendAsync([new ChannelAppend(tenant, "tenant", Entries(first, 60))], CancellationToken.None);

        var items = await fx.Stack.Aws.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = fx.Stack.Settings.ChangeLogTable,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = $"C#{tenant}#tenant" } },
        });
        var all = await log.ReadSinceAsync(tenant, "tenant", first + 29, 100, CancellationToken.None);
        var some = await log.ReadSinceAsync(tenant, "tenant", first + 4, 10, CancellationToken.None);

        Assert.Equal(4, items.Items.Count); // the head and three pages
        Assert.False(all.Gap);
        Assert.Equal(Enumerable.Range(30, 30).Select(i => first + i), all.Entries.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(30, 30).Select(i => $"{{\"n\":{first + i}}}"), all.Entries.Select(e => e.Payload));
        Assert.False(some.Gap);
        Assert.Equal(Enumerable.Range(5, 10).Select(i => first + i), some.Entries.Select(e => e.Sequence));
    }

    /// <summary>
    /// An entity channel gets a page of one per batch: a read over many of them goes on past its first query, and an
    /// entry of the earlier one-item-per-entry layout (still in a table for a day after an upgrade) is read with them.
    /// </summary>
    [Fact]
    public async Task ReadSince_ManyOneEntryPagesAndAnEarlierLayoutEntry_ReadsThemAllInOrder()
    {
        var log = Log();
        var tenant = LocalStackFixture.NewTenant("cl");
        const string Channel = "entity/order/1";
        for (var b = 0; b < 40; b++)
        {
            var seq = await log.AllocateAsync(tenant, Channel, $"b{b}", 1, CancellationToken.None);
            if (b == 20)
            {
                await fx.Stack.Aws.DynamoDb.PutItemAsync(new PutItemRequest
                {
                    TableName = fx.Stack.Settings.ChangeLogTable,
                    Item = new()
                    {
                        ["pk"] = new AttributeValue { S = $"C#{tenant}#{Channel}" },
                        ["sk"] = new AttributeValue { S = seq.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) },
                        ["payload"] = new AttributeValue { S = $"{{\"n\":{seq}}}" },
                    },
                });
                continue;
            }

            await log.AppendAsync([new ChannelAppend(tenant, Channel, Entries(seq, 1))], CancellationToken.None);
        }

        var read = await log.ReadSinceAsync(tenant, Channel, 3, 100, CancellationToken.None);

        Assert.False(read.Gap);
        Assert.Equal(Enumerable.Range(4, 37).Select(i => (long)i), read.Entries.Select(e => e.Sequence));
        Assert.Equal("{\"n\":21}", read.Entries.Single(e => e.Sequence == 21).Payload);
    }

    /// <summary>One append of several channels (what Publish makes per batch) lands each channel's entries in its own log.</summary>
    [Fact]
    public async Task Append_SeveralChannelsAtOnce_EachReadsItsOwnEntries()
    {
        var log = Log();
        var tenant = LocalStackFixture.NewTenant("cl");
        string[] channels = ["tenant", "entity/order/a", "entity/order/b"];
        int[] counts = [30, 1, 2];
        var appends = new List<ChannelAppend>();
        for (var c = 0; c < channels.Length; c++)
        {
            var first = await log.AllocateAsync(tenant, channels[c], "b1", counts[c], CancellationToken.None);
            appends.Add(new ChannelAppend(tenant, channels[c], [.. Entries(first, counts[c]).Select(e => e with { Payload = $"{channels[c]}:{e.Sequence}" })]));
        }

        await log.AppendAsync(appends, CancellationToken.None);

        for (var c = 0; c < channels.Length; c++)
        {
            var read = await log.ReadSinceAsync(tenant, channels[c], 0, 100, CancellationToken.None);
            Assert.False(read.Gap);
            Assert.Equal(Enumerable.Range(1, counts[c]).Select(i => $"{channels[c]}:{i}"), read.Entries.Select(e => e.Payload));
        }
    }

    private DynamoChangeLog Log() => new(fx.Stack.Aws.DynamoDb, fx.Stack.Settings.ChangeLogTable, TimeProvider.System, TimeSpan.FromHours(1));

    private static List<ChangeEntry> Entries(long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ChangeEntry(first + i, $"{{\"n\":{first + i}}}"))];
}
