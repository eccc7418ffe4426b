using EventPipeline.Testing;
using EventPipeline.Sources.Signing;
using EventPipeline.Sources.Tests;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Webhook.Tests;

public sealed class WebhookFunctionTests
{
    private static readonly Dictionary<string, string> GitHubHeaders = new()
    {
        ["content-type"] = "application/json",
        ["x-github-event"] = "issues",
        ["x-github-delivery"] = "d-1",
    };

    [Fact]
    public async Task HandleAsync_UnknownSource_404NamingSourceAndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.PathParameters!["source"] = "myspace";

        var response = await fixture.Handle(request);

        AssertError(response, 404, "not_found", "source");
        Assert.Empty(fixture.Stream.Records);
    }

    [Theory]
    [InlineData("bad tenant")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task HandleAsync_InvalidTenant_404WithoutNamingTheTenantRule(string tenant)
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.PathParameters!["tenant"] = tenant;

        var response = await fixture.Handle(request);

        AssertError(response, 404, "not_found", "path");
        Assert.DoesNotContain("tenant", response.Body!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_TamperedBody_401SignatureMismatchAndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Body = request.Body!.Replace("opened", "closed", StringComparison.Ordinal);

        var response = await fixture.Handle(request);

        var body = AssertError(response, 401, "unauthorized", "signature");
        Assert.Equal("signature mismatch", body.GetProperty("rule").GetString());
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_BadSignature_ErrorEchoesNeitherSecretNorSignature()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        var sent = request.Headers!["x-hub-signature-256"];
        request.Body += " ";

        var response = await fixture.Handle(request);

        Assert.Equal(401, response.StatusCode);
        Assert.DoesNotContain(WebhookTestKit.Shared, response.Body!, StringComparison.Ordinal);
        Assert.DoesNotContain(sent["sha256=".Length..], response.Body!, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookTestKit.Shared, fixture.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_MissingSignatureHeader_401NamingHeaderAndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Headers!.Remove("x-hub-signature-256");

        var response = await fixture.Handle(request);

        var body = AssertError(response, 401, "unauthorized", "signature");
        Assert.Equal("missing X-Hub-Signature-256 header", body.GetProperty("rule").GetString());
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_StripeTimestampTenMinutesOld_401StaleAndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var sample = Samples.For("stripe").First(s => !s.Expect.TryGetProperty("rejected", out _));
        var request = WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample, at: WebhookTestKit.Now.AddMinutes(-10)));

        var response = await fixture.Handle(request);

        var body = AssertError(response, 401, "unauthorized", "signature");
        Assert.Equal("timestamp outside 300 s tolerance", body.GetProperty("rule").GetString());
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_NoSecretsConfiguredForTenant_401AndNothingWritten()
    {
        var fixture = WebhookTestKit.Create(secrets: new InMemoryWebhookSecrets());

        var response = await fixture.Handle(GitHubRequest());

        var body = AssertError(response, 401, "unauthorized", "signature");
        Assert.Equal("no webhook secret configured", body.GetProperty("rule").GetString());
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_SecretStoreDown_503WithRetryAfter()
    {
        var secrets = new InMemoryWebhookSecrets { Unavailable = true }.With(WebhookTestKit.Tenant, "github", WebhookTestKit.Shared);
        var fixture = WebhookTestKit.Create(secrets: secrets);

        var response = await fixture.Handle(GitHubRequest());

        AssertError(response, 503, "unavailable", "secrets");
        Assert.Equal("5", response.Headers!["Retry-After"]);
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_BodyOneByteOverLimit_413AndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Body = new string('a', WebhookOptions.MaxBodyBytes + 1);

        var response = await fixture.Handle(request);

        AssertError(response, 413, "payload_too_large", "body");
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_MultiByteTextOverLimitInBytes_413()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        // 600,000 characters, 1,200,000 UTF-8 bytes: the limit counts bytes.
        request.Body = new string('é', 600_000);

        var response = await fixture.Handle(request);

        Assert.Equal(413, response.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_Base64BodyOverLimitAfterDecoding_413()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Body = Convert.ToBase64String(new byte[WebhookOptions.MaxBodyBytes + 1]);
        request.IsBase64Encoded = true;

        var response = await fixture.Handle(request);

        AssertError(response, 413, "payload_too_large", "body");
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_Base64BodyExactlyAtLimit_NotRejectedForSize()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Body = Convert.ToBase64String(new byte[WebhookOptions.MaxBodyBytes]);
        request.IsBase64Encoded = true;

        var response = await fixture.Handle(request);

        // Reaches the signature check (and fails it, as the body changed).
        AssertError(response, 401, "unauthorized", "signature");
    }

    [Fact]
    public async Task HandleAsync_Base64EncodedSignedBody_DecodedBeforeVerifyingAndStoredRaw()
    {
        var fixture = WebhookTestKit.Create();
        var sample = Samples.For("github").First(s => !s.Expect.TryGetProperty("rejected", out _));
        var request = WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample), base64: true);

        var response = await fixture.Handle(request);

        Assert.Equal(202, response.StatusCode);
        var envelope = IngestEnvelopeCodec.Decode(Assert.Single(fixture.Stream.Records).Data, WebhookTestKit.Now);
        Assert.Equal(sample.Body, Encoding.UTF8.GetBytes(envelope.Body));
    }

    [Fact]
    public async Task HandleAsync_ValidSignatureOverInvalidJson_400NamingBodyAndNothingWritten()
    {
        var fixture = WebhookTestKit.Create();
        var signed = WebhookTestKit.Signed("github", Encoding.UTF8.GetBytes("{\"action\": \"opened\", "), GitHubHeaders);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(signed));

        var body = AssertError(response, 400, "rejected", "body");
        Assert.Equal("must be valid JSON", body.GetProperty("rule").GetString());
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_ValidSignatureOverNonUtf8Bytes_400NamingBody()
    {
        var stub = new StubSource("stub", e => AdapterResult.Of());
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(stub), new InMemoryWebhookSecrets().With(WebhookTestKit.Tenant, "stub", "tok-12345678"));
        var signed = WebhookRequestBuilder.Build(stub.Registration, "acme", new byte[] { 0x7b, 0xff, 0xfe, 0x7d }, null, "tok-12345678", WebhookTestKit.PublicBase, WebhookTestKit.Now);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(signed, base64: true));

        AssertError(response, 400, "rejected", "body");
        Assert.Equal(0, stub.AdaptCalls);
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_KinesisFails_503WithRetryAfter()
    {
        var fixture = WebhookTestKit.Create();
        fixture.Stream.Unavailable = true;

        var response = await fixture.Handle(GitHubRequest());

        AssertError(response, 503, "unavailable", "stream");
        Assert.Equal("5", response.Headers!["Retry-After"]);
    }

    [Fact]
    public async Task HandleAsync_EnrichmentTransientlyUnavailable_Accepted202KeyedByTenantAndSource()
    {
        var stub = new StubSource("stub", _ => throw new TransientSourceException("graph fetch timed out"));
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(stub), new InMemoryWebhookSecrets().With(WebhookTestKit.Tenant, "stub", "tok-12345678"));
        var signed = WebhookRequestBuilder.Build(stub.Registration, "acme", "{}"u8.ToArray(), null, "tok-12345678", WebhookTestKit.PublicBase, WebhookTestKit.Now);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(signed));

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("acme:stub", Assert.Single(fixture.Stream.Records).PartitionKey);
        using var body = JsonDocument.Parse(response.Body!);
        Assert.True(body.RootElement.GetProperty("enrichmentDeferred").GetBoolean());
    }

    [Fact]
    public async Task HandleAsync_AdapterProducesEvents_PartitionKeyIsFirstEventsEntityAndCountAnswered()
    {
        var stub = new StubSource("stub", e => AdapterResult.Of(
            StubSource.Event(e.Tenant, e.Source, "e1", new EntityRef("order", "42")),
            StubSource.Event(e.Tenant, e.Source, "e2", new EntityRef("order", "43"))));
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(stub), new InMemoryWebhookSecrets().With(WebhookTestKit.Tenant, "stub", "tok-12345678"));
        var signed = WebhookRequestBuilder.Build(stub.Registration, "acme", "{}"u8.ToArray(), null, "tok-12345678", WebhookTestKit.PublicBase, WebhookTestKit.Now);

        var response = await fixture.Handle(WebhookTestKit.ToApiRequest(signed));

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("""{"accepted":true,"events":2}""", response.Body);
        Assert.Equal("acme:order/42", Assert.Single(fixture.Stream.Records).PartitionKey);
        var line = Assert.Single(fixture.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var log = JsonDocument.Parse(line);
        Assert.Equal("e1,e2", log.RootElement.GetProperty("dedupIds").GetString());
    }

    [Fact]
    public void PartitionKey_EntityIdLongerThanKinesisAllows_StableKeyWithin256Characters()
    {
        var id = new string('x', 1000);
        CanonicalEvent[] events = [StubSource.Event("acme", "stub", "e1", new EntityRef("doc", id))];

        var key = EventPipeline.Application.Webhooks.WebhookIntake.PartitionKey("acme", "stub", events);

        Assert.True(key.Length <= 256);
        Assert.StartsWith("acme:", key, StringComparison.Ordinal);
        Assert.Equal(key, EventPipeline.Application.Webhooks.WebhookIntake.PartitionKey("acme", "stub", [StubSource.Event("acme", "stub", "e2", new EntityRef("doc", id))]));
        Assert.NotEqual(key, EventPipeline.Application.Webhooks.WebhookIntake.PartitionKey("acme", "stub", [StubSource.Event("acme", "stub", "e1", new EntityRef("doc", id + "y"))]));
    }

    [Fact]
    public async Task HandleAsync_InfrastructureAndCredentialHeaders_NotCopiedIntoEnvelope()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Headers!["authorization"] = "Bearer abc";
        request.Headers["cookie"] = "session=1";
        request.Headers["x-forwarded-for"] = "203.0.113.9";
        request.Headers["x-amzn-trace-id"] = "Root=1-abc";
        request.Headers["host"] = "hooks.example.com";
        request.Headers["user-agent"] = "GitHub-Hookshot/abc";
        request.Headers["x-echo"] = "prefix " + WebhookTestKit.Shared;

        var response = await fixture.Handle(request);

        Assert.Equal(202, response.StatusCode);
        var envelope = IngestEnvelopeCodec.Decode(Assert.Single(fixture.Stream.Records).Data, WebhookTestKit.Now);
        Assert.Equal(
            ["content-type", "user-agent", "x-github-delivery", "x-github-event", "x-github-hook-id", "x-hub-signature-256"],
            envelope.Headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_TwilioBehindPublicBaseUrl_VerifiesTheConfiguredUrl()
    {
        var sample = Samples.For("twilio").First(s => !s.Expect.TryGetProperty("rejected", out _));
        var request = WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample));
        request.RequestContext.DomainName = "abc123.execute-api.us-east-1.amazonaws.com";
        var withOverride = WebhookTestKit.Create(publicBaseUrl: "https://hooks.example.com/");
        var without = WebhookTestKit.Create();

        var accepted = await withOverride.Handle(request);
        var rejected = await without.Handle(request);

        Assert.Equal(202, accepted.StatusCode);
        Assert.Equal("https://hooks.example.com/webhooks/acme/twilio", IngestEnvelopeCodec.Decode(withOverride.Stream.Records[0].Data, WebhookTestKit.Now).Url);
        Assert.Equal(401, rejected.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_GraphValidationToken_200PlainTextEchoWithoutSecretsOrWrites()
    {
        var graph = new StubSource("graph", _ => throw new InvalidOperationException("handshake must not reach the adapter"));
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(graph), new InMemoryWebhookSecrets());
        var request = Request("graph", "POST", body: "");
        request.RawQueryString = "validationToken=Validation%3A%20Testing%20client%20application";
        request.QueryStringParameters = new Dictionary<string, string> { ["validationToken"] = "Validation: Testing client application" };

        var response = await fixture.Handle(request);

        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("text/plain", response.Headers!["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("Validation: Testing client application", response.Body);
        Assert.Equal(0, graph.AdaptCalls);
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_GraphValidationTokenOnlyInRawQuery_DecodedAndEchoed()
    {
        var graph = new StubSource("graph", _ => AdapterResult.Of());
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(graph), new InMemoryWebhookSecrets());
        var request = Request("graph", "POST", body: "");
        request.RawQueryString = "validationToken=a%2Bb+c";

        var response = await fixture.Handle(request);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("a+b c", response.Body);
    }

    [Fact]
    public async Task HandleAsync_ValidationTokenOnOtherSource_NotEchoed()
    {
        var fixture = WebhookTestKit.Create();
        var request = Request("github", "POST", body: "{}");
        request.QueryStringParameters = new Dictionary<string, string> { ["validationToken"] = "<script>" };
        request.RawQueryString = "validationToken=%3Cscript%3E";

        var response = await fixture.Handle(request);

        Assert.Equal(401, response.StatusCode);
        Assert.DoesNotContain("<script>", response.Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_CloudEventsOptionsHandshake_200GrantsOriginAndRate()
    {
        var cloudEvents = new StubSource("cloudevents", _ => AdapterResult.Of());
        var fixture = WebhookTestKit.Create(StubSource.CatalogWith(cloudEvents), new InMemoryWebhookSecrets());
        var request = Request("cloudevents", "OPTIONS", body: null);
        request.Headers = new Dictionary<string, string> { ["webhook-request-origin"] = "eventemitter.example.com", ["webhook-request-rate"] = "120" };

        var response = await fixture.Handle(request);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("eventemitter.example.com", response.Headers!["WebHook-Allowed-Origin"]);
        Assert.Equal("*", response.Headers["WebHook-Allowed-Rate"]);
        Assert.Contains("POST", response.Headers["Allow"], StringComparison.Ordinal);
        Assert.Empty(fixture.Stream.Records);
    }

    [Fact]
    public async Task HandleAsync_OptionsWithoutRequestOrigin_204WithoutGrant()
    {
        var fixture = WebhookTestKit.Create();
        var request = Request("github", "OPTIONS", body: null);

        var response = await fixture.Handle(request);

        Assert.Equal(204, response.StatusCode);
        Assert.False(response.Headers!.ContainsKey("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task HandleAsync_Get_405WithAllow()
    {
        var fixture = WebhookTestKit.Create();

        var response = await fixture.Handle(Request("github", "GET", body: null));

        AssertError(response, 405, "method_not_allowed", "method");
        Assert.Equal("OPTIONS, POST", response.Headers!["Allow"]);
    }

    [Fact]
    public async Task HandleAsync_WithoutPathParameters_ReadsTenantAndSourceFromRawPath()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.PathParameters = null;

        var response = await fixture.Handle(request);

        Assert.Equal(202, response.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_AnyRequest_OneStructuredLogLineWithoutSecretOrBody()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();

        var response = await fixture.Handle(request);

        Assert.Equal(202, response.StatusCode);
        var line = Assert.Single(fixture.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var log = JsonDocument.Parse(line);
        var root = log.RootElement;
        Assert.Equal("acme", root.GetProperty("tenant").GetString());
        Assert.Equal("github", root.GetProperty("source").GetString());
        Assert.Equal(202, root.GetProperty("status").GetInt32());
        Assert.Equal("req-1", root.GetProperty("requestId").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("dedupIds").GetString()));
        Assert.DoesNotContain(WebhookTestKit.Shared, line, StringComparison.Ordinal);
        Assert.DoesNotContain("\"action\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_Rejection_LoggedAsWarningWithReason()
    {
        var fixture = WebhookTestKit.Create();
        var request = GitHubRequest();
        request.Headers!.Remove("x-hub-signature-256");

        await fixture.Handle(request);

        using var log = JsonDocument.Parse(fixture.Log.ToString().Trim());
        Assert.Equal("WARN", log.RootElement.GetProperty("level").GetString());
        Assert.Equal(401, log.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("signature: missing X-Hub-Signature-256 header", log.RootElement.GetProperty("reason").GetString());
    }

    private static APIGatewayHttpApiV2ProxyRequest GitHubRequest()
    {
        var sample = Samples.For("github").First(s => s.Name == "issues-opened");
        return WebhookTestKit.ToApiRequest(WebhookTestKit.Signed(sample));
    }

    private static APIGatewayHttpApiV2ProxyRequest Request(string source, string method, string? body)
    {
        var request = WebhookTestKit.ToApiRequest(new SignedWebhookRequest($"{WebhookTestKit.PublicBase}/webhooks/acme/{source}", new Dictionary<string, string>(), Array.Empty<byte>()), method);
        request.Body = body;
        return request;
    }

    private static JsonElement AssertError(APIGatewayHttpApiV2ProxyResponse response, int status, string code, string field)
    {
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {response.Body}");
        Assert.Equal("application/json", response.Headers!["Content-Type"]);
        using var doc = JsonDocument.Parse(response.Body!);
        var root = doc.RootElement.Clone();
        Assert.Equal(code, root.GetProperty("error").GetString());
        Assert.Equal(field, root.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("rule").GetString()));
        Assert.Equal($"{field}: {root.GetProperty("rule").GetString()}", root.GetProperty("message").GetString());
        return root;
    }
}
