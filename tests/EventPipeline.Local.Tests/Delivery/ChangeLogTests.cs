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
        await log.AppendAsync(tenant, "tenant", [.. Enumerable.Range(0, 4).Select(i => new ChangeEntry(first + i, $"{{\"n\":{first + i}}}"))], CancellationToken.None);
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
}
