using System.Text;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Local.DeadLetters;

using EventPipeline.Local.Tests.EventSources;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>Which entries a redrive puts, and with which key — against in-memory fakes, nothing running.</summary>
public sealed class RedriveSelectionTests
{
    private const string KinesisArn = "arn:aws:kinesis:us-east-1:000000000000:stream/events";

    private static DeadLetterEntry Entry(string id, string category = "rejected", int redriven = 0, string? arn = KinesisArn, string function = "ingest", string key = "pk", string? sequence = null, string data = "{}") => new()
    {
        Id = id,
        Category = category,
        Function = function,
        StreamArn = arn,
        ShardId = "shardId-000000000000",
        SequenceNumber = sequence ?? id,
        PartitionKey = key,
        Data = Encoding.UTF8.GetBytes(data),
        RedriveCount = redriven,
    };

    [Fact]
    public async Task RedriveAll_SkipsAlreadyRedrivenAndPublishEntries_PutsTheRestWithOriginalBytesAndKey()
    {
        var store = new FakeStore(
            Entry("a", data: "A", key: "k-a"),
            Entry("b", redriven: 1),
            Entry("c", arn: "arn:aws:dynamodb:us-east-1:000000000000:table/aggregates/stream/x", function: "publish"),
            Entry("d", category: "malformed", data: "D", key: "k-d"));
        var kinesis = new FakeKinesisClient();

        var outcomes = await new Redrive(store, kinesis, "events").RedriveAllAsync(null, CancellationToken.None);

        Assert.Equal(["a", "d"], outcomes.Select(o => o.Id));
        Assert.All(outcomes, o => Assert.True(o.Redriven));
        Assert.Equal([("k-a", "A"), ("k-d", "D")], kinesis.Puts);
        Assert.Equal(["a", "d"], store.Marked);
    }

    [Fact]
    public async Task RedriveAll_WithCategory_OnlyThatCategory()
    {
        var store = new FakeStore(Entry("a"), Entry("d", category: "malformed"));
        var kinesis = new FakeKinesisClient();

        var outcomes = await new Redrive(store, kinesis, "events").RedriveAllAsync("malformed", CancellationToken.None);

        Assert.Equal("d", Assert.Single(outcomes).Id);
    }

    [Fact]
    public async Task Redrive_PublishEntryById_RefusedNamingTheFunction()
    {
        var store = new FakeStore(Entry("c", arn: "arn:aws:dynamodb:us-east-1:000000000000:table/aggregates/stream/x", function: "publish"));

        var outcome = Assert.Single(await new Redrive(store, new FakeKinesisClient(), "events").RedriveAsync(["c"], CancellationToken.None));

        Assert.False(outcome.Redriven);
        Assert.StartsWith("function: entry came from 'publish'", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(store.Marked);
    }

    [Fact]
    public async Task Redrive_SubRecordsOfOneAggregate_PutOnceMarkedEach()
    {
        var store = new FakeStore(Entry("s/1/0", sequence: "1", data: "AGG"), Entry("s/1/2", sequence: "1", data: "AGG"));
        var kinesis = new FakeKinesisClient();

        var outcomes = await new Redrive(store, kinesis, "events").RedriveAsync(["s/1/0", "s/1/2"], CancellationToken.None);

        Assert.Single(kinesis.Puts);
        Assert.Equal(["s/1/0", "s/1/2"], store.Marked);
        Assert.Equal(outcomes[0].SequenceNumber, outcomes[1].SequenceNumber);
    }

    [Theory]
    [InlineData("orig", null, """{"tenant":"acme","source":"x","receivedAt":"2026-01-01T00:00:00Z","headers":{},"body":""}""", "orig")]
    [InlineData("", "t1", "not json", "t1")]
    [InlineData("", null, """{"tenant":"acme","source":"x","receivedAt":"2026-01-01T00:00:00Z","headers":{},"body":""}""", "acme")]
    [InlineData("", null, """{"specversion":"1.0","tenant":"ce-tenant","id":"1"}""", "ce-tenant")]
    [InlineData("", null, "not json", "shardId-000000000000/9")]
    public void PartitionKeyOf_OriginalElseTenantElseId(string key, string? tenant, string data, string expected)
    {
        var entry = Entry("shardId-000000000000/9", key: key, data: data);
        entry.Tenant = tenant;
        Assert.Equal(expected, Redrive.PartitionKeyOf(entry));
    }

    private sealed class FakeStore(params DeadLetterEntry[] entries) : IDeadLetterStore
    {
        public List<string> Marked { get; } = [];

        public Task SendAsync(IReadOnlyList<DeadLetterEntry> e, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<DeadLetterEntry>> ListAsync(int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DeadLetterEntry>>(entries);

        public Task<DeadLetterEntry?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(entries.FirstOrDefault(e => e.Id == id));

        public Task MarkRedrivenAsync(string id, CancellationToken cancellationToken)
        {
            Marked.Add(id);
            return Task.CompletedTask;
        }
    }
}
