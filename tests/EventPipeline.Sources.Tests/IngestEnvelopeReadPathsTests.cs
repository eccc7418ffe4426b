using System.Text;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Tests;

/// <summary>
/// <see cref="IngestEnvelopeCodec.Read"/> reads what Encode writes in one pass and everything else as one document. The
/// oracle for the one-pass read: the same record with an unknown property first, which only the document path reads
/// (and ignores), must give the same envelope or the same rejection.
/// </summary>
public sealed class IngestEnvelopeReadPathsTests
{
    private static readonly DateTimeOffset Arrived = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Records()
    {
        var data = new TheoryData<string>();
        var bodies = new[] { "{\"a\":1,\"b\":[1,2,{\"c\":\"é<\"}]}", "[1,2]", " {\"spaced\" : true}\n", "a,b\n1,2\n", "plain \"quoted\" text", "", "{not json" };
        var headerSets = new[]
        {
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["x-github-event"] = "issues", ["x-github-delivery"] = "d-1" },
            new Dictionary<string, string> { ["content-type"] = "text/csv", ["x-file-name"] = "a \"b\".csv" },
        };
        foreach (var body in bodies)
        {
            foreach (var headers in headerSets)
            {
                var envelope = new IngestEnvelope("acme", "github", new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567), headers, body)
                {
                    Url = headers.Count == 2 ? "https://hooks.test/github?x=\"1\"" : null,
                };
                data.Add(Encoding.UTF8.GetString(IngestEnvelopeCodec.Encode(envelope)));
            }

            data.Add(Encoding.UTF8.GetString(IngestEnvelopeCodec.Encode(new IngestEnvelope("acme", "csv", Arrived, headerSets[0], body), maxBytes: 10)));
        }

        // Not what Encode writes: each must still read as the document reads it.
        data.Add("""{"tenant":"acme","source":"github","headers":{"X-GitHub-Event":"push"},"bodyJson":{"a":1}}""");
        data.Add("""{"tenant":"acme","source":"github","headers":{"a":"1"},"headers":{"b":"2"},"bodyJson":{"a":1}}""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":{"a":1},"body":"{\"b\":2}"}""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":{"a":1},"headers":{"a":"1"}}""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":{"a":1}}}""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":{"a":1} } x""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":{"a":1},}""");
        data.Add("""{"tenant":"ac\u006De","source":"git\u0068ub","body":"{}"}""");
        data.Add("""{"ten\u0061nt":"acme","source":"github","body":"{}"}""");
        data.Add("""{"tenant":"acme","source":"github","receivedAt":"2024-05-01T14:00:00+02:00","body":"{}"}""");
        data.Add("""{"tenant":"acme","source":"github","receivedAt":"2024-02-30T12:00:00.0000000Z","body":"{}"}""");
        data.Add("""{"tenant":7,"source":"github","body":"{}"}""");
        data.Add("""{"tenant":"","source":"github","body":"{}"}""");
        data.Add("""{"tenant":"acme","source":"github"}""");
        data.Add("""{"tenant":"acme","source":"github","headers":{"a":1},"body":"{}"}""");
        data.Add("""{"tenant":"acme","source":"github","headers":[],"body":"{}"}""");
        data.Add("""{"specversion":"1.0","tenant":"acme","id":"1","source":"/a","type":"t","data":{"n":1}}""");
        data.Add("""{"tenant":"acme","id":"1","source":"/a","type":"t","specversion":"1.0"}""");
        data.Add("""{"tenant":"acme","source":"github","bodyBase64":"e30="}""");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":""" + new string('[', 63) + new string(']', 63) + "}");
        data.Add("""{"tenant":"acme","source":"github","bodyJson":""" + new string('[', 64) + new string(']', 64) + "}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Read_AnyRecord_GivesWhatTheWholeDocumentGives(string json)
    {
        var direct = Outcome(Encoding.UTF8.GetBytes(json));
        var viaDocument = Outcome(Encoding.UTF8.GetBytes("{\"unread\":0," + json.TrimStart()[1..]));

        Assert.Equal(viaDocument, direct);
    }

    [Fact]
    public void Read_TwoHeadersObjects_AreMerged()
    {
        var bytes = """{"tenant":"acme","source":"github","headers":{"a":"1","b":"x"},"headers":{"b":"2"},"body":"{}"}"""u8.ToArray();

        using var record = IngestEnvelopeCodec.Read(bytes, Arrived);

        Assert.Equal(("1", "2"), (record.Envelope.Header("a"), record.Envelope.Header("b")));
    }

    [Fact]
    public void Read_RecordsOfOneTenant_ShareItsString()
    {
        var bytes = IngestEnvelopeCodec.Encode(new IngestEnvelope("tenant-7", "github", Arrived, new Dictionary<string, string>(), "{}"));

        using var first = IngestEnvelopeCodec.Read(bytes, Arrived);
        using var second = IngestEnvelopeCodec.Read(bytes.ToArray(), Arrived);

        Assert.Same(first.Envelope.Tenant, second.Envelope.Tenant);
        Assert.Equal("tenant-7", second.Envelope.Tenant);
    }

    private static string Outcome(byte[] record)
    {
        try
        {
            using var decoded = IngestEnvelopeCodec.Read(record, Arrived);
            var e = decoded.Envelope;
            var headers = string.Join(";", e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"));
            // A structured CloudEvent's body is the whole record, which the oracle changed by construction.
            var body = e.BodyUtf8.Span.SequenceEqual(record) ? "the record" : Convert.ToBase64String(e.BodyUtf8.Span);
            return $"{e.Tenant}|{e.Source}|{e.ReceivedAt:O}|{headers}|{e.Url}|{body}";
        }
        catch (RejectionException r)
        {
            return $"rejected {r.Rejection.Field}: {r.Rejection.Rule}";
        }
    }
}
