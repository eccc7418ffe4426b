using System.Text;
using System.Text.Json;

namespace EventPipeline.Sources.Tests;

/// <summary>
/// One contract for every adapter in <see cref="SourceCatalog"/>, checked over every sample under events/sources/.
/// Relies only on the catalog and the samples, so sources added later are covered without touching this class.
/// <para>
/// Expectation semantics: <c>eventIds</c>, <c>types</c> and <c>entities</c> (<c>kind/id</c>) are compared in order with
/// the events produced; every <c>measures</c> entry must appear with that value on at least one event;
/// <c>rejected</c> names the rejection's field exactly.
/// </para>
/// </summary>
public sealed class AdapterContractTests
{
    private const string Tenant = "tenant-1";
    private const int MutationsPerSample = 100;
    private static readonly DateTimeOffset ReceivedAt = SourceTestKit.ReceivedAt;

    private static readonly Lazy<IReadOnlyDictionary<string, SampleCase>> AllSamples =
        new(() => Samples.All().ToDictionary(s => s.ToString(), StringComparer.Ordinal));

    public static TheoryData<string> SampleIds() => new(AllSamples.Value.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> Sources() => new(SourceTestKit.Sources);

    [Theory]
    [MemberData(nameof(SampleIds))]
    public async Task AdaptAsync_Sample_MapsAsExpected(string id)
    {
        var sample = AllSamples.Value[id];
        var envelope = sample.ToEnvelope(Tenant, ReceivedAt);

        var result = await SourceTestKit.Registration(sample.Source).Adapter.AdaptAsync(envelope, CancellationToken.None);

        if (sample.Expect.TryGetProperty("rejected", out var rejectedField))
        {
            var rejected = Assert.IsType<AdapterResult.Rejected>(result);
            Assert.Equal(rejectedField.GetString(), rejected.Reason.Field);
            Assert.False(string.IsNullOrWhiteSpace(rejected.Reason.Rule));
            return;
        }

        var events = Assert.IsType<AdapterResult.Accepted>(result, exactMatch: false).Events;
        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.Equal(Tenant, e.Tenant);
            Assert.Equal(sample.Source, e.Source, ignoreCase: true);
            Assert.False(string.IsNullOrWhiteSpace(e.EventId));
            Assert.False(string.IsNullOrWhiteSpace(e.Type));
            Assert.False(string.IsNullOrWhiteSpace(e.Entity.Kind));
            Assert.False(string.IsNullOrWhiteSpace(e.Entity.Id));
        });
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count());

        if (sample.Expect.TryGetProperty("eventIds", out var ids))
        {
            Assert.Equal(Strings(ids), events.Select(e => e.EventId));
        }

        if (sample.Expect.TryGetProperty("types", out var types))
        {
            Assert.Equal(Strings(types), events.Select(e => e.Type));
        }

        if (sample.Expect.TryGetProperty("entities", out var entities))
        {
            Assert.Equal(Strings(entities), events.Select(e => e.Entity.ToString()));
        }

        if (sample.Expect.TryGetProperty("measures", out var measures))
        {
            foreach (var m in measures.EnumerateObject())
            {
                var expected = m.Value.GetDecimal();
                Assert.True(
                    events.Any(e => e.Measures.TryGetValue(m.Name, out var v) && v == expected),
                    $"{id}: no event has measure {m.Name} = {expected}");
            }
        }
    }

    /// <summary>
    /// Ingest decodes a record with <see cref="IngestEnvelopeCodec.Read"/>, whose document the adapter reads the body from,
    /// then disposes it. The same sample must map to the same events (or the same rejection) that way, from the envelope
    /// once its record is disposed, and from a copy made while the record was open: none of them may read a returned
    /// document.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleIds))]
    public async Task AdaptAsync_SampleReadFromItsRecord_MapsAsTheEnvelopeDoesBeforeAndAfterTheRecordIsDisposed(string id)
    {
        var sample = AllSamples.Value[id];
        var adapter = SourceTestKit.Registration(sample.Source).Adapter;
        var expected = Mapped(await adapter.AdaptAsync(sample.ToEnvelope(Tenant, ReceivedAt), CancellationToken.None));
        var bytes = IngestEnvelopeCodec.Encode(sample.ToEnvelope(Tenant, ReceivedAt));

        var record = IngestEnvelopeCodec.Read(bytes, ReceivedAt);
        var copy = record.Envelope with { Url = record.Envelope.Url };
        var fromRecord = Mapped(await adapter.AdaptAsync(record.Envelope, CancellationToken.None));
        record.Dispose();
        var afterDispose = Mapped(await adapter.AdaptAsync(record.Envelope, CancellationToken.None));
        var fromCopy = Mapped(await adapter.AdaptAsync(copy, CancellationToken.None));

        Assert.Equal(expected, fromRecord);
        Assert.Equal(expected, afterDispose);
        Assert.Equal(expected, fromCopy);
    }

    /// <summary>An adapter result as comparable text: every event's fields, measures and attributes in order, or the rejection.</summary>
    private static string Mapped(AdapterResult result) => result switch
    {
        AdapterResult.Rejected r => $"rejected {r.Reason.Field}: {r.Reason.Rule}",
        AdapterResult.Accepted a => string.Join("\n", a.Events.Select(e =>
            $"{e.Tenant} {e.Source} {e.EventId} {e.Type} {e.OccurredAt:O} {e.Entity} " +
            string.Join(",", e.Measures.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}")) + " " +
            string.Join(",", e.Attributes.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}")))),
        _ => throw new InvalidOperationException("unknown adapter result"),
    };

    [Theory]
    [MemberData(nameof(SampleIds))]
    public async Task AdaptAsync_MutatedSample_NeverThrows(string id)
    {
        var sample = AllSamples.Value[id];
        var adapter = SourceTestKit.Registration(sample.Source).Adapter;
        var random = new Random(SourceTestKit.StableSeed(id));

        for (var i = 0; i < MutationsPerSample; i++)
        {
            var (kind, body, headers) = SourceTestKit.Mutate(random, sample);
            var envelope = new IngestEnvelope(Tenant, sample.Source, ReceivedAt, headers, Encoding.UTF8.GetString(body)) { Url = sample.Url };
            try
            {
                var result = await adapter.AdaptAsync(envelope, CancellationToken.None);
                if (result is AdapterResult.Rejected r)
                {
                    Assert.False(string.IsNullOrWhiteSpace(r.Reason.Field), $"{id} mutation {i} ({kind}): rejection without a field");
                }
                else
                {
                    var events = Assert.IsType<AdapterResult.Accepted>(result).Events;
                    Assert.NotEmpty(events);
                    Assert.All(events, e => Assert.Equal(Tenant, e.Tenant));
                }
            }
            catch (TransientSourceException) when (string.Equals(sample.Source, "graph", StringComparison.OrdinalIgnoreCase))
            {
                // Graph may legitimately report its API as unavailable; the record is retried, not dropped.
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{id} mutation {i} ({kind}) threw {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(body)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AdaptAsync_MutatedSamples_NeverThrowsAndAcceptedEventsAreWellFormed(string source)
    {
        // Seeded so a failure reproduces; 300 mutations of each source's samples.
        var random = new Random(source.Sum(c => c) * 7919);
        var adapter = SourceTestKit.Registration(source).Adapter;
        var samples = Samples.For(source).ToList();
        var (acceptedCount, rejectedCount) = (0, 0);
        for (var i = 0; i < 300; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var (_, body, headers) = SourceTestKit.Mutate(random, sample);
            var envelope = new IngestEnvelope("acme", source, ReceivedAt, headers, Encoding.UTF8.GetString(body)) { Url = sample.Url };

            var result = await adapter.AdaptAsync(envelope, CancellationToken.None);

            if (result is AdapterResult.Accepted accepted)
            {
                SourceTestKit.AssertWellFormed(accepted, "acme", source);
                acceptedCount++;
            }
            else
            {
                rejectedCount++;
                var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
                Assert.False(string.IsNullOrEmpty(rejection.Field));
                Assert.False(string.IsNullOrEmpty(rejection.Rule));
            }
        }

        // Both outcomes occur, so the mutations exercise the mapping and not only the JSON parser.
        Assert.True(acceptedCount > 0 && rejectedCount > 0, $"accepted {acceptedCount}, rejected {rejectedCount}");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AdaptAsync_NotJsonOrForm_RejectedNotThrown(string source)
    {
        var adapter = SourceTestKit.Registration(source).Adapter;
        var headers = Samples.For(source).First().Headers;

        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", source, ReceivedAt, headers, "\uFFFD{\"id\": tru"), CancellationToken.None);

        Assert.IsType<AdapterResult.Rejected>(result);
    }

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "");
}
