using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Domain;

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
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyDictionary<string, SourceRegistration>> Catalog = new(() => SourceCatalog.Create(Dependencies()));

    private static readonly Lazy<IReadOnlyDictionary<string, SampleCase>> AllSamples =
        new(() => Samples.All().ToDictionary(s => s.ToString(), StringComparer.Ordinal));

    public static TheoryData<string> SampleIds()
    {
        var data = new TheoryData<string>();
        foreach (var id in AllSamples.Value.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public async Task AdaptAsync_Sample_MapsAsExpected(string id)
    {
        var sample = AllSamples.Value[id];
        var envelope = sample.ToEnvelope(Tenant, ReceivedAt);

        var result = await Registration(sample).Adapter.AdaptAsync(envelope, CancellationToken.None);

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

    [Fact]
    public void Catalog_EverySource_HasThreeSamplesIncludingARejectedCase()
    {
        Assert.NotEmpty(Catalog.Value);
        foreach (var name in Catalog.Value.Keys)
        {
            var samples = AllSamples.Value.Values.Where(s => string.Equals(s.Source, name, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(samples.Count >= 3, $"{name}: {samples.Count} samples, need at least 3");
            Assert.True(samples.Any(s => s.Expect.TryGetProperty("rejected", out _)), $"{name}: no rejected sample");
        }
    }

    [Fact]
    public void Samples_EverySampleFolder_BelongsToARegisteredSource()
    {
        var unknown = AllSamples.Value.Values.Select(s => s.Source).Distinct().Where(s => !Catalog.Value.ContainsKey(s)).ToList();
        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_SignedSample_Succeeds(string id)
    {
        var sample = AllSamples.Value[id];
        var registration = Registration(sample);
        var secrets = TestSecrets.For(sample.Source);

        var request = Signed(sample, registration, sample.Body, secrets.SigningSecret);

        var result = registration.Authenticator.Verify(request, secrets.VerifySecrets, ReceivedAt);
        Assert.True(result.Ok, $"{id}: {result.Reason}");
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_WrongSecret_Fails(string id)
    {
        var sample = AllSamples.Value[id];
        var registration = Registration(sample);

        var request = Signed(sample, registration, sample.Body, TestSecrets.For(sample.Source).SigningSecret);

        var result = registration.Authenticator.Verify(request, TestSecrets.Wrong(sample.Source), ReceivedAt);
        Assert.False(result.Ok);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.DoesNotContain(TestSecrets.For(sample.Source).SigningSecret, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_TamperedBody_Fails(string id)
    {
        var sample = AllSamples.Value[id];
        if (TestSecrets.BodyNotSigned.Contains(sample.Source))
        {
            // The scheme authenticates the sender, not the body (see TestSecrets.BodyNotSigned); Verify_WrongSecret_Fails covers it.
            return;
        }

        var registration = Registration(sample);
        var secrets = TestSecrets.For(sample.Source);
        var signed = Signed(sample, registration, sample.Body, secrets.SigningSecret);
        var tampered = (byte[])sample.Body.Clone();
        tampered[tampered.Length / 2] ^= 0x01;

        var result = registration.Authenticator.Verify(signed with { Body = tampered }, secrets.VerifySecrets, ReceivedAt);
        Assert.False(result.Ok);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public async Task AdaptAsync_MutatedSample_NeverThrows(string id)
    {
        var sample = AllSamples.Value[id];
        var adapter = Registration(sample).Adapter;
        var random = new Random(StableSeed(id));

        for (var i = 0; i < MutationsPerSample; i++)
        {
            var (kind, body) = Mutate(sample.Body, random);
            var headers = sample.Headers;
            if (headers.Count > 0 && random.Next(5) == 0)
            {
                // Occasionally also lose a header (an event-type or id header the adapter reads).
                var drop = headers.Keys.ElementAt(random.Next(headers.Count));
                headers = headers.Where(h => h.Key != drop).ToDictionary(h => h.Key, h => h.Value);
                kind += "+drop-header:" + drop;
            }

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

    private static SourceRegistration Registration(SampleCase sample) =>
        Catalog.Value.TryGetValue(sample.Source, out var r) ? r : throw new InvalidOperationException($"{sample}: source not registered");

    private static WebhookRequest Signed(SampleCase sample, SourceRegistration registration, byte[] body, string secret)
    {
        var url = sample.Url ?? $"https://hooks.example.test/webhooks/{Tenant}/{sample.Source}";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in sample.Headers)
        {
            headers[k.ToLowerInvariant()] = v;
        }

        foreach (var (k, v) in registration.Signer.Sign(body, url, secret, ReceivedAt))
        {
            headers[k.ToLowerInvariant()] = v;
        }

        return new WebhookRequest("POST", url, headers, body);
    }

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "");

    // string.GetHashCode is randomized per process; a fixed seed per sample keeps failures reproducible.
    private static int StableSeed(string id) => id.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static (string Kind, byte[] Body) Mutate(byte[] body, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return ("truncate", body[..random.Next(body.Length + 1)]);
            case 1:
            {
                var copy = (byte[])body.Clone();
                var flips = 1 + random.Next(3);
                for (var f = 0; f < flips && copy.Length > 0; f++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return ("flip", copy);
            }

            case 2:
                return ("remove-field", RemoveField(body, random));
            default:
                return ("retype-field", RetypeField(body, random));
        }
    }

    // Removes one property (any depth) of a JSON body, or one delimited segment of a non-JSON body (CSV, form).
    private static byte[] RemoveField(byte[] body, Random random)
    {
        var node = TryParse(body);
        if (node is null)
        {
            var text = Encoding.UTF8.GetString(body);
            var delimiters = new[] { ',', '&', '\n' };
            var cuts = Enumerable.Range(0, text.Length).Where(i => delimiters.Contains(text[i])).ToList();
            if (cuts.Count < 2)
            {
                return body;
            }

            var start = random.Next(cuts.Count - 1);
            return Encoding.UTF8.GetBytes(text.Remove(cuts[start], cuts[start + 1] - cuts[start]));
        }

        var objects = Descendants(node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return body;
        }

        var target = objects[random.Next(objects.Count)];
        target.Remove(target.ElementAt(random.Next(target.Count)).Key);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    // Replaces one JSON value with a value of another type (number ↔ string, object → array, null).
    private static byte[] RetypeField(byte[] body, Random random)
    {
        var node = TryParse(body);
        if (node is null)
        {
            return body;
        }

        var objects = Descendants(node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return body;
        }

        var target = objects[random.Next(objects.Count)];
        var key = target.ElementAt(random.Next(target.Count)).Key;
        target[key] = random.Next(5) switch
        {
            0 => null,
            1 => JsonValue.Create(-1e30),
            2 => JsonValue.Create("not-a-" + key),
            3 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")),
            _ => new JsonObject { ["nested"] = JsonValue.Create(true) },
        };
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static JsonNode? TryParse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                foreach (var d in Descendants(child))
                {
                    yield return d;
                }
            }
        }
    }

    private static SourceDependencies Dependencies() => new()
    {
        Clock = new FixedClock(ReceivedAt),
        HttpClient = new HttpClient(new CannedGraphHandler()),
        GraphBaseUrl = new Uri("https://graph.test/v1.0/"),
        FetchTimeout = TimeSpan.FromSeconds(5),
        FetchRetries = 1,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// Answers every Graph resource GET with a canned resource: enough for a contract test of mapping. The resilience
    /// behaviour (timeouts, retries, circuit breaker, 404) is tested against a real HTTP server in the Graph tests.
    /// </summary>
    private sealed class CannedGraphHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var id = request.RequestUri?.Segments.LastOrDefault()?.Trim('/') ?? "unknown";
            var json = $$"""{"id":"{{JsonEncodedText.Encode(id)}}","subject":"Canned resource","importance":"normal","size":2048,"lastModifiedDateTime":"2024-05-01T10:00:00Z"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            });
        }
    }
}
