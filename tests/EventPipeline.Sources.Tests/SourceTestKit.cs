using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventPipeline.Sources.Tests;

/// <summary>
/// The one kit the source tests share: the catalog as the functions build it (Graph answered by a canned handler, so
/// nothing runs), requests signed as each provider signs them, what each signature scheme answers, the expectations of
/// the sample payloads under events/sources/, and seeded mutations of those samples.
/// </summary>
internal static class SourceTestKit
{
    /// <summary>The instant samples are received and signed at, unless a test needs another.</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyDictionary<string, SourceRegistration>> LazyCatalog = new(() => SourceCatalog.Create(new SourceDependencies
    {
        Clock = new FixedClock(ReceivedAt),
        HttpClient = new HttpClient(new CannedGraphHandler()),
        GraphBaseUrl = new Uri("https://graph.test/v1.0/"),
        FetchTimeout = TimeSpan.FromSeconds(5),
        FetchRetries = 1,
    }));

    /// <summary>Every registered source.</summary>
    public static IReadOnlyDictionary<string, SourceRegistration> Catalog => LazyCatalog.Value;

    /// <summary>The registered source names, in order.</summary>
    public static IEnumerable<string> Sources => Catalog.Keys.Order(StringComparer.Ordinal);

    /// <summary>Sources that authenticate with <c>Authorization: Bearer</c>.</summary>
    public static IReadOnlySet<string> Bearer { get; } = new HashSet<string>(["salesforce", "eventbridge", "cloudevents", "csv"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Sources whose provider signs a timestamp, checked against the 300 s replay window.</summary>
    public static IReadOnlyList<string> Timestamped { get; } = ["stripe", "zendesk", "sendgrid"];

    public static SourceRegistration Registration(string source) =>
        Catalog.TryGetValue(source, out var r) ? r : throw new InvalidOperationException($"{source}: source not registered");

    /// <summary>The header a source's proof travels in; Graph has none (its secret is in the body).</summary>
    public static string SignatureHeader(string source) => source switch
    {
        "github" => "X-Hub-Signature-256",
        "stripe" => "Stripe-Signature",
        "shopify" => "X-Shopify-Hmac-Sha256",
        "pagerduty" => "X-PagerDuty-Signature",
        "zendesk" => "X-Zendesk-Webhook-Signature",
        "twilio" => "X-Twilio-Signature",
        "sendgrid" => "X-Twilio-Email-Event-Webhook-Signature",
        "jira" => "X-Hub-Signature",
        "segment" => "X-Signature",
        _ when Bearer.Contains(source) => "Authorization",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    /// <summary>What a source's scheme answers when the proof was made with another secret (Graph: the first notification's).</summary>
    public static string MismatchReason(string source) =>
        Bearer.Contains(source) ? "bearer token mismatch" : source == "graph" ? "value[0].clientState mismatch" : "signature mismatch";

    public static WebhookRequest Signed(SampleCase sample, string secret, DateTimeOffset at) =>
        Signed(sample.Source, sample.Body, sample.Url ?? "https://hooks.example.com/webhooks/acme/" + sample.Source, sample.Headers, secret, at);

    /// <summary>A request carrying <paramref name="headers"/> and the headers the source's signer adds, names lower-cased as API Gateway delivers them.</summary>
    public static WebhookRequest Signed(string source, byte[] body, string url, IReadOnlyDictionary<string, string> headers, string secret, DateTimeOffset at)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in headers)
        {
            all[k.ToLowerInvariant()] = v;
        }

        foreach (var (k, v) in Registration(source).Signer.Sign(body, url, secret, at))
        {
            all[k.ToLowerInvariant()] = v;
        }

        return new WebhookRequest("POST", url, all, body);
    }

    /// <summary>Runs a sample through its adapter and checks everything its <c>expect</c> states.</summary>
    public static async Task AssertMatchesExpect(SampleCase sample)
    {
        var receivedAt = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var result = await Registration(sample.Source).Adapter.AdaptAsync(sample.ToEnvelope("acme", receivedAt), CancellationToken.None);
        var expect = sample.Expect;
        if (expect.TryGetProperty("rejected", out var field))
        {
            var rejected = Assert.IsType<AdapterResult.Rejected>(result);
            Assert.Equal(field.GetString(), rejected.Reason.Field);
            return;
        }

        var accepted = Assert.IsType<AdapterResult.Accepted>(result);
        AssertWellFormed(accepted, "acme", sample.Source);
        var events = accepted.Events;
        Assert.Equal(Strings(expect, "eventIds"), events.Select(e => e.EventId));
        Assert.Equal(Strings(expect, "types"), events.Select(e => e.Type));
        Assert.Equal(Strings(expect, "entities"), events.Select(e => e.Entity.ToString()));
        if (expect.TryGetProperty("occurredAt", out _))
        {
            Assert.Equal(
                Strings(expect, "occurredAt").Select(s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture)),
                events.Select(e => e.OccurredAt));
        }
        else
        {
            // Samples without an expected time fall back to the receipt time.
            Assert.All(events, e => Assert.Equal(receivedAt, e.OccurredAt));
        }

        if (expect.TryGetProperty("measures", out var measures))
        {
            foreach (var m in measures.EnumerateObject())
            {
                // For a multi-event sample a measure's expectation is its sum over the events.
                Assert.Equal(m.Value.GetDecimal(), events.Sum(e => e.Measures.TryGetValue(m.Name, out var v) ? v : 0m));
            }
        }

        if (expect.TryGetProperty("attributes", out var attributes))
        {
            foreach (var a in attributes.EnumerateObject())
            {
                Assert.True(events[0].Attributes.TryGetValue(a.Name, out var actual), $"attribute {a.Name} missing");
                Assert.Equal(a.Value.GetString(), actual);
            }
        }
    }

    public static void AssertWellFormed(AdapterResult.Accepted accepted, string tenant, string source)
    {
        Assert.NotEmpty(accepted.Events);
        Assert.Equal(accepted.Events.Count, accepted.Events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count());
        foreach (var e in accepted.Events)
        {
            Assert.Equal(tenant, e.Tenant);
            Assert.Equal(source, e.Source);
            Assert.False(string.IsNullOrWhiteSpace(e.EventId));
            Assert.False(string.IsNullOrWhiteSpace(e.Type));
            Assert.False(string.IsNullOrEmpty(e.Entity.Kind));
            Assert.False(string.IsNullOrEmpty(e.Entity.Id));
            Assert.Equal(e.Entity.Kind.ToLowerInvariant(), e.Entity.Kind);
        }
    }

    // string.GetHashCode is randomized per process; a fixed seed per sample keeps failures reproducible.
    public static int StableSeed(string id) => id.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    /// <summary>
    /// One random damage to a sample: truncation, replaced bytes, a removed field (JSON) or segment (CSV, form), a value
    /// of another type, a removed header, or a removed field and a retyped value.
    /// </summary>
    public static (string Kind, byte[] Body, IReadOnlyDictionary<string, string> Headers) Mutate(Random random, SampleCase sample)
    {
        var body = sample.Body;
        IReadOnlyDictionary<string, string> headers = sample.Headers;
        switch (random.Next(6))
        {
            case 0:
                return ("truncate", body[..random.Next(body.Length + 1)], headers);
            case 1:
                var copy = (byte[])body.Clone();
                for (var n = random.Next(1, 4); n > 0 && copy.Length > 0; n--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return ("replace-bytes", copy, headers);
            case 2:
                return ("remove-field", RemoveField(body, random), headers);
            case 3:
                return ("retype-field", RetypeField(body, random), headers);
            case 4 when headers.Count > 0:
                var drop = headers.Keys.ElementAt(random.Next(headers.Count));
                return ("drop-header:" + drop, body, headers.Where(h => h.Key != drop).ToDictionary(h => h.Key, h => h.Value));
            default:
                return ("remove-and-retype", RetypeField(RemoveField(body, random), random), headers);
        }
    }

    private static IEnumerable<string> Strings(JsonElement expect, string name) =>
        expect.GetProperty(name).EnumerateArray().Select(e => e.GetString()!);

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

    // Replaces one JSON value with a value of another type, or one form value with a broken escape or nothing.
    private static byte[] RetypeField(byte[] body, Random random)
    {
        var node = TryParse(body);
        if (node is null)
        {
            var text = Encoding.UTF8.GetString(body);
            if (!text.Contains('=', StringComparison.Ordinal))
            {
                return body;
            }

            var parts = text.Split('&');
            var i = random.Next(parts.Length);
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            parts[i] = (eq < 0 ? parts[i] : parts[i][..eq]) + "=" + (random.Next(2) == 0 ? "%ZZ%E2%82" : "");
            return Encoding.UTF8.GetBytes(string.Join('&', parts));
        }

        var objects = Descendants(node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count == 0)
        {
            return body;
        }

        var target = objects[random.Next(objects.Count)];
        var key = target.ElementAt(random.Next(target.Count)).Key;
        JsonNode?[] replacements =
        [
            null, 42, -1e30, -1.5e300, JsonNode.Parse("9999999999999999999999"), true, "", "not a time", "zen:x", "not-a-" + key,
            new JsonArray(), new JsonArray(1, "x"), new JsonObject(), new JsonObject { ["nested"] = true },
        ];
        target[key] = replacements[random.Next(replacements.Length)];
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

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// Answers every Graph resource GET with a canned resource: enough for contract tests of mapping. The resilience
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
