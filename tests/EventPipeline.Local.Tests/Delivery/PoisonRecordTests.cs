using System.Text;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Domain;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Delivery;

[Collection(LocalStackCollection.Name)]
public sealed class PoisonRecordTests(LocalStackFixture fx)
{
    private sealed record Poison(byte[] Data, string Category, string Field, string RuleContains);

    [Fact]
    public async Task Ingest_PoisonMixedIntoBatches_GoodAppliedEachPoisonDeadLetteredWithReasonNothingLost()
    {
        var tenant = LocalStackFixture.NewTenant("p");
        var ce = (string id, string subject) => LocalStackFixture.CloudEvent(tenant, id, subject);
        var corrupt = KplAggregation.Aggregate([new(tenant, ce("kb-0", "item/8")), new(tenant, ce("kb-1", "item/8"))]);
        corrupt[12] ^= 0x5A; // inside the protobuf: the trailing MD5 no longer matches
        var poisons = new[]
        {
            new Poison(Encoding.UTF8.GetBytes("{\"tenant\": oops"), "malformed", "record", "JSON"),
            new Poison(DeliveryKit.Envelope(tenant, "carrier-pigeon", "{}"), "unknown-source", "source", "must be one of"),
            new Poison(Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","id":"no-type","source":"/tests","subject":"item/0","tenant":"{{{tenant}}}","data":{}}"""), "rejected", "type", "required"),
            new Poison(LocalStackFixture.CloudEvent("not a tenant!", "bad-tenant", "item/0"), "malformed", "tenant", Names.TenantRule),
            new Poison(LocalStackFixture.CloudEvent(tenant, "too-long", "item/0", data: $$"""{"note":"{{new string('x', EventValidation.MaxAttributeValueBytes + 1)}}"}"""), "invalid-event", "attributes.note", "at most 2048"),
            new Poison(corrupt, "bad-aggregate", "record", "digest"),
        };
        var goodKpl = KplAggregation.Aggregate([new(tenant, ce("k-0", "item/9")), new(tenant, ce("k-1", "item/9")), new(tenant, ce("k-2", "item/9"))]);

        // Two batches, poison interleaved with good records; one partition key keeps them in order on one shard.
        var first = new List<(byte[] Data, Poison? Poison)>
        {
            (ce("g-0", "item/0"), null), (poisons[0].Data, poisons[0]), (ce("g-1", "item/1"), null), (poisons[1].Data, poisons[1]),
            (goodKpl, null), (poisons[2].Data, poisons[2]), (ce("g-2", "item/2"), null),
        };
        var second = new List<(byte[] Data, Poison? Poison)>
        {
            (poisons[3].Data, poisons[3]), (ce("g-3", "item/0"), null), (poisons[4].Data, poisons[4]), (ce("g-4", "item/1"), null),
            (poisons[5].Data, poisons[5]), (ce("g-5", "item/2"), null),
        };
        var sequenceOf = new Dictionary<Poison, string>();
        var allSequences = new List<string>();
        foreach (var batch in new[] { first, second })
        {
            var put = await fx.Kinesis.PutRecordsAsync(fx.Stack.Settings.EventsStream, batch.Select(b => new PutRecordsEntry(tenant, b.Data)).ToList(), CancellationToken.None);
            Assert.Equal(0, put.FailedRecordCount);
            for (var i = 0; i < batch.Count; i++)
            {
                allSequences.Add(put.Records[i].SequenceNumber!);
                if (batch[i].Poison is { } p)
                {
                    sequenceOf[p] = put.Records[i].SequenceNumber!;
                }
            }
        }

        // In: 6 good plain records + 3 user records of the good aggregate, and 6 poison records.
        const int expectedApplied = 9;
        await DeliveryKit.UntilAsync(() => fx.EventCountAsync(tenant), expectedApplied, "the good events applied");
        var letters = await LocalStackFixture.EventuallyAsync(
            async () => await fx.LettersAsync(allSequences) is { Count: >= 6 } l ? l : null,
            "six dead letters");

        Assert.Equal(poisons.Length, letters.Count);
        foreach (var p in poisons)
        {
            var letter = Assert.Single(letters, l => l.SequenceNumber == sequenceOf[p]);
            Assert.Equal(p.Category, letter.Category);
            Assert.Equal(p.Field, letter.Field);
            Assert.Contains(p.RuleContains, letter.Rule, StringComparison.Ordinal);
            Assert.Equal($"{letter.Field}: {letter.Rule}", letter.Reason);
            Assert.Equal(p.Data, letter.Data);
            Assert.Equal(tenant, letter.PartitionKey);
            Assert.Equal($"{letter.ShardId}/{letter.SequenceNumber}", letter.Id);
            Assert.Equal("ingest", letter.Function);
        }

        Assert.Equal(tenant, letters.Single(l => l.Category == "invalid-event").Tenant);
        Assert.Equal("cloudevents", letters.Single(l => l.Category == "rejected").Source);

        // Count in = applied + dead-lettered, per entity too: nothing dropped, nothing applied twice.
        Assert.Equal(expectedApplied + poisons.Length, await fx.EventCountAsync(tenant) + letters.Count);
        Assert.Equal(2, await fx.EntityCountAsync(tenant, "item/0"));
        Assert.Equal(2, await fx.EntityCountAsync(tenant, "item/1"));
        Assert.Equal(2, await fx.EntityCountAsync(tenant, "item/2"));
        Assert.Equal(3, await fx.EntityCountAsync(tenant, "item/9"));
        Assert.Equal(0, await fx.EntityCountAsync(tenant, "item/8"));
    }
}
