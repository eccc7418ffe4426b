using System.Text;
using System.Text.Json;
using EventPipeline.Webhook;
using EventPipeline.Sources.Signing;

namespace EventPipeline.Local.Tests.Integration;

/// <summary>Every accepted sample of every source, signed like the provider and posted to the local webhook endpoint, becomes an aggregate over REST.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class AllSourcesTests(LocalStackFixture fx)
{
    private const string SampleSecret = "test-secret-0123456789";

    public static TheoryData<string, string> AcceptedSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.EnumerateDirectories(SamplesRoot()).Order(StringComparer.Ordinal))
        {
            foreach (var meta in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(meta));
                if (doc.RootElement.GetProperty("expect").TryGetProperty("entities", out _))
                {
                    data.Add(Path.GetFileName(dir), Path.GetFileNameWithoutExtension(meta));
                }
            }
        }

        return data;
    }

    [Fact]
    public void Samples_CoverAllFourteenSources()
    {
        var sources = AcceptedSamples().Select(row => (string)row[0]).Distinct().ToList();
        Assert.Equal(14, sources.Count);
        Assert.Equal(fx.Stack.Sources.Keys.Order(StringComparer.Ordinal), sources.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public async Task Sample_PostedThroughWebhook_BecomesAggregateOverRest(string source, string sample)
    {
        var tenant = LocalStackFixture.NewTenant("w");
        var dir = Path.Combine(SamplesRoot(), source);
        using var meta = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dir, sample + ".json")));
        var body = await File.ReadAllBytesAsync(Path.Combine(dir, sample + ".body"));
        var signing = fx.Stack.WebhookSecrets.Signing[source];
        if (source == "graph")
        {
            // Graph authenticates by the clientState inside each notification: the local secret goes there.
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(SampleSecret, signing, StringComparison.Ordinal));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (meta.RootElement.TryGetProperty("headers", out var h))
        {
            foreach (var p in h.EnumerateObject())
            {
                headers[p.Name] = p.Value.GetString()!;
            }
        }

        var signed = WebhookRequestBuilder.Build(fx.Stack.Sources[source], tenant, body, headers, signing, fx.Stack.Endpoints.RestUrl, DateTimeOffset.UtcNow);
        using var response = await SignedWebhookPost.SendAsync(fx.Http, signed);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 202, $"{source}/{sample}: {(int)response.StatusCode} {answer}");

        var token = fx.Stack.IssueToken(tenant);
        foreach (var entity in meta.RootElement.GetProperty("expect").GetProperty("entities").EnumerateArray().Select(e => e.GetString()!).Distinct())
        {
            var slash = entity.IndexOf('/', StringComparison.Ordinal);
            var path = $"aggregates/entities/{Uri.EscapeDataString(entity[..slash])}/{Uri.EscapeDataString(entity[(slash + 1)..])}";
            var view = await LocalStackFixture.EventuallyAsync(
                async () => (await fx.GetAsync(path, token)) is { Status: 200 } r ? r.Body.GetRawText() : null,
                $"{source}/{sample}: entity {entity} over REST");
            using var parsed = JsonDocument.Parse(view);
            Assert.Contains(source, parsed.RootElement.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        }
    }

    private static string SamplesRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventPipeline.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "events", "sources");
    }
}
