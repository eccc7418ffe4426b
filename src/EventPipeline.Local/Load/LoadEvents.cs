using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EventPipeline.Sources;

namespace EventPipeline.Local.Load;

/// <summary>
/// The events <c>load</c> and <c>soak</c> put: each on an entity of its own (an order per CloudEvent, an issue per GitHub
/// delivery), so each event causes exactly one entity push, which its trace id ties back to its put.
/// </summary>
public static class LoadEvents
{
    private const string GitHubTemplate = """{"action":"opened","issue":{"id":__ID__,"number":__N__,"title":"load","state":"open","created_at":"__T__","updated_at":"__T__"},"repository":{"id":1,"full_name":"load/test"},"sender":{"login":"load"}}""";

    /// <summary>The sources events can be generated for.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["cloudevents", "github"];

    /// <summary>Event <paramref name="seq"/> of run <paramref name="runId"/> for <paramref name="tenant"/> from <paramref name="source"/>.</summary>
    public static LoadEvent Create(string tenant, string source, string runId, long seq, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        var inv = CultureInfo.InvariantCulture;
        if (source == "github")
        {
            var id = seq + 1_000_000;
            var t = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", inv);
            var body = GitHubTemplate.Replace("__ID__", id.ToString(inv), StringComparison.Ordinal)
                .Replace("__N__", seq.ToString(inv), StringComparison.Ordinal)
                .Replace("__T__", t, StringComparison.Ordinal);
            var envelope = new IngestEnvelope(tenant, "github", now,
                new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = $"{runId}-{seq}", ["content-type"] = "application/json" }, body);
            return new LoadEvent(tenant, $"{tenant}:issue/{id}", IngestEnvelopeCodec.Encode(envelope));
        }

        // A structured CloudEvent, one order per event.
        var buffer = new ArrayBufferWriter<byte>(400);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("id", $"{runId}-{seq}");
            w.WriteString("source", "/load/orders");
            w.WriteString("type", "com.example.order.created");
            w.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", inv));
            w.WriteString("subject", $"order/{runId}-{seq}");
            w.WriteString("tenant", tenant);
            w.WriteString("datacontenttype", "application/json");
            w.WriteStartObject("data");
            w.WriteNumber("amount", 10 + (seq % 90));
            w.WriteNumber("items", 1 + (seq % 4));
            w.WriteString("status", "open");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return new LoadEvent(tenant, $"{tenant}:order/{runId}-{seq}", buffer.WrittenSpan.ToArray());
    }
}
