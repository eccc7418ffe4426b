using EventPipeline.Sources.Signing;
using EventPipeline.Sources.Tests;
namespace EventPipeline.Webhook.Tests;

public sealed class WebhookRequestBuilderTests
{
    [Fact]
    public void Build_Twilio_UrlFromBaseTenantAndSourceAndSignatureOverIt()
    {
        var sample = Samples.For("twilio").First();
        var registration = WebhookTestKit.Catalog["twilio"];

        var signed = WebhookRequestBuilder.Build(registration, "acme", sample.Body, sample.Headers, "token-123456", "https://hooks.example.com/", WebhookTestKit.Now);

        Assert.Equal("https://hooks.example.com/webhooks/acme/twilio", signed.Url);
        Assert.Equal(sample.Url, signed.Url);
        Assert.Equal(sample.Body, signed.Body.ToArray());
        Assert.True(signed.Headers.ContainsKey("x-twilio-signature"));
        var request = new EventPipeline.Sources.WebhookRequest("POST", signed.Url, signed.Headers, signed.Body);
        Assert.True(registration.Authenticator.Verify(request, ["token-123456"], WebhookTestKit.Now).Ok);
    }

    [Fact]
    public void Build_SampleHeadersAnyCase_LowerCasedAndKept()
    {
        var registration = WebhookTestKit.Catalog["github"];
        var headers = new Dictionary<string, string> { ["X-GitHub-Event"] = "push", ["Content-Type"] = "application/json" };

        var signed = WebhookRequestBuilder.Build(registration, "acme", "{}"u8.ToArray(), headers, "s-123456789", "http://127.0.0.1:4000", WebhookTestKit.Now);

        Assert.Equal(["content-type", "x-github-event", "x-hub-signature-256"], signed.Headers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("push", signed.Headers["x-github-event"]);
    }
}
