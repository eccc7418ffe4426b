using System.Globalization;
using System.Text;
using EventPipeline.Application.Ingest;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Sources;
using EventPipeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Application.Tests.Ingest;

/// <summary>The ingest use case over in-memory ports: what a batch gives when an enrichment source stays down.</summary>
public sealed class IngestPipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A record whose source stays unavailable after its own retries is dead-lettered as <c>source-unavailable</c> with
    /// its bytes, and the rest of the batch — behind it on the same shard — is applied: the shard does not wait for the
    /// source (the Ingest mapping retries a failed record until it is an hour old, so a retried source failure would hold
    /// every tenant of the shard that long). Nothing of the record is written, so its redrive applies it exactly once.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_SourceStaysUnavailable_DeadLettersThatRecordAndAppliesTheRestOfTheBatch()
    {
        var items = new InMemoryAggregateItems();
        var letters = new InMemoryDeadLetters();
        var pipeline = Pipeline(items, letters, unavailableSubject: "order/down");
        var batch = new[] { Record(1, "order/1"), Record(2, "order/down"), Record(3, "order/3") };

        var result = await pipeline.ProcessAsync(batch, CancellationToken.None);

        Assert.Empty(result.FailedSequenceNumbers);
        Assert.Equal(2, result.Applied);
        var letter = Assert.Single(letters.Entries);
        Assert.Equal("source-unavailable", letter.Category);
        Assert.Equal("record", letter.Field);
        Assert.Equal("cloudevents", letter.Source);
        Assert.Equal("t", letter.Tenant);
        Assert.Equal("2", letter.SequenceNumber);
        Assert.Equal(batch[1].Data, letter.Data);
        Assert.Contains("redrive once it answers", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(1, result.DeadLettersByCategory["source-unavailable"]);
        Assert.DoesNotContain(items.All.Keys, k => k is EntityKey { Entity.Id: "down" });

        // The redrive once the source answers: a new record with the same bytes is applied once.
        var healed = Pipeline(items, letters, unavailableSubject: null);
        var redriven = await healed.ProcessAsync([Record(4, "order/down", id: "e-2")], CancellationToken.None);
        Assert.Equal(1, redriven.Applied);
        Assert.Equal(3, ((MetricState)items.All[new TotalKey("t", Aggregator.EventsMetric)].State).Total.Stats.Count);
    }

    private static IngestPipeline Pipeline(InMemoryAggregateItems items, InMemoryDeadLetters letters, string? unavailableSubject)
    {
        var clock = new FakeTimeProvider(Now);
        var sources = new Dictionary<string, SourceRegistration>(SourceCatalog.Create(new SourceDependencies { Clock = clock }), StringComparer.Ordinal);
        var cloudEvents = sources["cloudevents"];
        sources["cloudevents"] = cloudEvents with { Adapter = new UnavailableFor(cloudEvents.Adapter, unavailableSubject) };
        return new IngestPipeline(
            sources,
            new PlainRecords(),
            new AggregateWriter(items, new InMemoryDedupStore(TimeSpan.FromHours(72))),
            letters,
            clock,
            new AggregationOptions(TimeSpan.FromMinutes(5)),
            "ingest-tests");
    }

    private static StreamRecord Record(int sequence, string subject, string? id = null) => new(
        "shardId-000000000000",
        sequence.ToString(CultureInfo.InvariantCulture),
        "t:" + subject,
        Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","id":"{{{id ?? "e-" + sequence.ToString(CultureInfo.InvariantCulture)}}}","source":"/tests","type":"order.created","time":"2026-12-01T09:59:00Z","subject":"{{{subject}}}","tenant":"t","data":{"amount":10}}"""),
        Now.AddSeconds(-5),
        "arn:aws:kinesis:us-east-1:000000000000:stream/events");

    /// <summary>Each Kinesis record is one user record (no KPL aggregation in these tests).</summary>
    private sealed class PlainRecords : IRecordSplitter
    {
        public RecordSplit Split(ReadOnlyMemory<byte> data) => RecordSplit.Of([data]);
    }

    /// <summary>The real adapter, but the enrichment it would need for <paramref name="subject"/> stays unavailable.</summary>
    private sealed class UnavailableFor(ISourceAdapter inner, string? subject) : ISourceAdapter
    {
        public string Name => inner.Name;

        public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
            subject is not null && envelope.Body.Contains($"\"subject\":\"{subject}\"", StringComparison.Ordinal)
                ? throw new TransientSourceException("Graph fetch failed: ConnectionError")
                : inner.AdaptAsync(envelope, cancellationToken);
    }
}
