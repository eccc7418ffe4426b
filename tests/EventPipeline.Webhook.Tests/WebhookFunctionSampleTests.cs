using EventPipeline.Testing;
using EventPipeline.Sources.Tests;
using System.Text.Json;
using EventPipeline.Sources;

namespace EventPipeline.Webhook.Tests;

/// <summary>Every sample of every registered source, signed as its provider would sign it, through the function.</summary>
public sealed class WebhookFunctionSampleTests
{
    public static TheoryData<string, string> AcceptedSamples => Cases(accepted: true);

    public static TheoryData<string, string> RejectedSamples => Cases(accepted: false);

    public static TheoryData<string> SourcesWithSamples
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var source in SourceNames())
            {
                data.Add(source);
            }

            return data;
        }
    }

    [Fact]
    public void Catalog_EverySource_HasSamples()
    {
        // Guards the theories below against silently running on nothing, or on fewer sources than the catalog has.
        Assert.Superset(
            new HashSet<string>
            {
                "github", "stripe", "shopify", "pagerduty", "zendesk", "twilio", "sendgrid",
                "segment", "salesforce", "jira", "eventbridge", "cloudevents", "csv", "graph",
            },
            SourceNames().ToHashSet());
    }

    [Theory]
    [MemberData(nameof(AcceptedSamples))]
    public async Task HandleAsync_SignedSample_Accepts202AndPutsOneEnvelopeWithRawBodyAndHeaders(string source, string name)
    {
        var sample = Sample(source, name);
        var fixture = WebhookTestKit.Create();
        var signed = WebhookTestKit.Signed(sample);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(signed));

        Assert.True(response.StatusCode == 202, response.Body);
        var put = Assert.Single(fixture.Stream.Records);
        var envelope = IngestEnvelopeCodec.Decode(put.Data, WebhookTestKit.Now);
        Assert.Equal(WebhookTestKit.Tenant, envelope.Tenant);
        Assert.Equal(source, envelope.Source);
        Assert.Equal(WebhookTestKit.Now, envelope.ReceivedAt);
        Assert.Equal(sample.Body, System.Text.Encoding.UTF8.GetBytes(envelope.Body));
        Assert.Equal($"{WebhookTestKit.PublicBase}/webhooks/{WebhookTestKit.Tenant}/{source}", envelope.Url);
        var expectedHeaders = signed.Headers.Where(h => EventPipeline.Application.Webhooks.WebhookHeaders.Keep(h.Key)).ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal(expectedHeaders.OrderBy(h => h.Key, StringComparer.Ordinal), envelope.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        Assert.False(envelope.Headers.ContainsKey("authorization"));

        using var body = JsonDocument.Parse(response.Body!);
        Assert.True(body.RootElement.GetProperty("accepted").GetBoolean());
        var events = body.RootElement.GetProperty("events").GetInt32();
        var deferred = body.RootElement.TryGetProperty("enrichmentDeferred", out _);
        if (deferred)
        {
            // Graph enrichment is unreachable in this test: accepted anyway, keyed by tenant and source.
            Assert.Equal(0, events);
            Assert.Equal($"{WebhookTestKit.Tenant}:{source}", put.PartitionKey);
        }
        else
        {
            var entities = sample.Expect.GetProperty("entities").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(sample.Expect.GetProperty("eventIds").GetArrayLength(), events);
            Assert.Equal($"{WebhookTestKit.Tenant}:{entities[0]}", put.PartitionKey);
        }
    }

    [Theory]
    [MemberData(nameof(RejectedSamples))]
    public async Task HandleAsync_SignedSampleTheAdapterRejects_400NamingFieldAndNothingWritten(string source, string name)
    {
        var sample = Sample(source, name);
        var fixture = WebhookTestKit.Create();

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample)));

        Assert.Equal(400, response.StatusCode);
        using var body = JsonDocument.Parse(response.Body!);
        Assert.Equal("rejected", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(sample.Expect.GetProperty("rejected").GetString(), body.RootElement.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("rule").GetString()));
        Assert.Empty(fixture.Stream.Records);
    }

    [Theory]
    [MemberData(nameof(SourcesWithSamples))]
    public async Task HandleAsync_SignedWithSecondActiveSecret_Accepted(string source)
    {
        var sample = Samples.For(source).First(s => !s.Expect.TryGetProperty("rejected", out _));
        var secrets = new InMemoryWebhookSecrets().With(WebhookTestKit.Tenant, source, WebhookTestKit.VerifyingSecret(source, 0), WebhookTestKit.VerifyingSecret(source, 1));
        var fixture = WebhookTestKit.Create(secrets: secrets);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample, secretIndex: 1)));

        Assert.True(response.StatusCode == 202, response.Body);
        Assert.Single(fixture.Stream.Records);
    }

    [Theory]
    [MemberData(nameof(SourcesWithSamples))]
    public async Task HandleAsync_SignedWithSecretNotConfigured_401AndNothingWritten(string source)
    {
        var sample = Samples.For(source).First(s => !s.Expect.TryGetProperty("rejected", out _));
        var secrets = new InMemoryWebhookSecrets().With(WebhookTestKit.Tenant, source, WebhookTestKit.VerifyingSecret(source, 1));
        var fixture = WebhookTestKit.Create(secrets: secrets);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample, secretIndex: 0)));

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(fixture.Stream.Records);
        Assert.DoesNotContain(WebhookTestKit.VerifyingSecret(source, 1), response.Body!, StringComparison.Ordinal);
    }

    private static IEnumerable<string> SourceNames() =>
        WebhookTestKit.Catalog.Keys.Order(StringComparer.Ordinal).Where(s => Samples.For(s).Any());

    private static SampleCase Sample(string source, string name) => Samples.For(source).Single(s => s.Name == name);

    private static TheoryData<string, string> Cases(bool accepted)
    {
        var data = new TheoryData<string, string>();
        foreach (var source in WebhookTestKit.Catalog.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var sample in Samples.For(source))
            {
                if (sample.Expect.TryGetProperty("rejected", out _) != accepted)
                {
                    data.Add(source, sample.Name);
                }
            }
        }

        return data;
    }
}
