using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace EventPipeline.Webhook.Tests;

public sealed class WebhookSecretsTests
{
    private const string File = """
        {
          "tenants": {
            "demo": { "github": ["s1", "s2"], "Stripe": "whsec_a, whsec_b" },
            "*": { "github": ["default-1"], "shopify": ["shop-1"] }
          }
        }
        """;

    [Theory]
    [InlineData("""["a","b"]""", new[] { "a", "b" })]
    [InlineData(""" [ "a" , "" , " b " ] """, new[] { "a", "b" })]
    [InlineData("a,b", new[] { "a", "b" })]
    [InlineData(" a , ,b ", new[] { "a", "b" })]
    [InlineData("single", new[] { "single" })]
    [InlineData("", new string[0])]
    public void Parse_StoredValue_ActiveSecrets(string value, string[] expected)
    {
        Assert.Equal(expected, WebhookSecretList.Parse(value));
    }

    [Theory]
    [InlineData("""["a", 1]""")]
    [InlineData("""["super-secret-value" """)]
    [InlineData("""["a"] ["b"]""")]
    public void Parse_MalformedJsonArray_FormatExceptionWithoutTheValue(string value)
    {
        var ex = Assert.Throws<FormatException>(() => WebhookSecretList.Parse(value));

        Assert.DoesNotContain("super-secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JSON array", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileGetAsync_TenantEntry_ItsSecretsInOrder()
    {
        var secrets = FileWebhookSecrets.Parse(File);

        Assert.Equal(["s1", "s2"], await secrets.GetAsync("demo", "github", CancellationToken.None));
    }

    [Fact]
    public async Task FileGetAsync_StringValue_SplitOnCommasAndSourceMatchedIgnoringCase()
    {
        var secrets = FileWebhookSecrets.Parse(File);

        Assert.Equal(["whsec_a", "whsec_b"], await secrets.GetAsync("demo", "stripe", CancellationToken.None));
    }

    [Fact]
    public async Task FileGetAsync_TenantWithoutEntry_FallsBackToStarTenant()
    {
        var secrets = FileWebhookSecrets.Parse(File);

        Assert.Equal(["default-1"], await secrets.GetAsync("other", "github", CancellationToken.None));
        Assert.Equal(["shop-1"], await secrets.GetAsync("demo", "shopify", CancellationToken.None));
    }

    [Fact]
    public async Task FileGetAsync_NoEntryAnywhere_Empty()
    {
        var secrets = FileWebhookSecrets.Parse(File);

        Assert.Empty(await secrets.GetAsync("demo", "twilio", CancellationToken.None));
    }

    [Fact]
    public async Task FileLoad_FileOnDisk_Parsed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"webhook-secrets-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, File);
        try
        {
            var secrets = FileWebhookSecrets.Load(path);

            Assert.Equal(["s1", "s2"], await secrets.GetAsync("demo", "github", CancellationToken.None));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Theory]
    [InlineData("not json", "valid JSON")]
    [InlineData("""{"demo":{}}""", "tenants")]
    [InlineData("""{"tenants":{"demo":["x"]}}""", "tenants.demo")]
    [InlineData("""{"tenants":{"demo":{"github":42}}}""", "tenants.demo.github")]
    [InlineData("""{"tenants":{"demo":{"github":["ok",7]}}}""", "tenants.demo.github")]
    public void FileParse_Malformed_FormatExceptionNamingField(string json, string field)
    {
        var ex = Assert.Throws<FormatException>(() => FileWebhookSecrets.Parse(json));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsmGetAsync_Parameter_ReadsDecryptedParameterAtTenantSourcePath()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = """["s1","s2"]""" };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FixedClock(WebhookTestKit.Now));

        var result = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Equal(["s1", "s2"], result);
        var call = Assert.Single(ssm.Requests);
        Assert.Equal("/eventpipeline/webhooks/acme/github", call.Name);
        Assert.True(call.WithDecryption);
    }

    [Fact]
    public async Task SsmGetAsync_CustomPrefixAndCommaSeparatedValue_Parsed()
    {
        var ssm = new FakeSsm { ["/custom/acme/stripe"] = "a,b" };
        var secrets = new SsmWebhookSecrets(ssm, "/custom/", new FixedClock(WebhookTestKit.Now));

        Assert.Equal(["a", "b"], await secrets.GetAsync("acme", "stripe", CancellationToken.None));
    }

    [Fact]
    public async Task SsmGetAsync_WithinTtl_ServedFromCache_AfterTtl_ReadAgain()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = "old" };
        var clock = new FixedClock(WebhookTestKit.Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);

        await secrets.GetAsync("acme", "github", CancellationToken.None);
        ssm["/eventpipeline/webhooks/acme/github"] = "new";
        clock.Now += TimeSpan.FromMinutes(4);
        var cached = await secrets.GetAsync("acme", "github", CancellationToken.None);
        clock.Now += TimeSpan.FromMinutes(2);
        var refreshed = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Equal(["old"], cached);
        Assert.Equal(["new"], refreshed);
        Assert.Equal(2, ssm.Requests.Count);
    }

    [Fact]
    public async Task SsmGetAsync_ParameterMissing_EmptyAndRememberedForThirtySeconds()
    {
        var ssm = new FakeSsm();
        var clock = new FixedClock(WebhookTestKit.Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);

        var first = await secrets.GetAsync("acme", "github", CancellationToken.None);
        ssm["/eventpipeline/webhooks/acme/github"] = "created";
        clock.Now += TimeSpan.FromSeconds(29);
        var second = await secrets.GetAsync("acme", "github", CancellationToken.None);
        clock.Now += TimeSpan.FromSeconds(2);
        var third = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.Equal(["created"], third);
        Assert.Equal(2, ssm.Requests.Count);
    }

    [Fact]
    public async Task SsmGetAsync_SsmFailsWithNothingCached_UnavailableWithoutSecretValues()
    {
        var ssm = new FakeSsm { Failure = new AmazonSimpleSystemsManagementException("Rate exceeded") { ErrorCode = "ThrottlingException" } };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FixedClock(WebhookTestKit.Now));

        var ex = await Assert.ThrowsAsync<WebhookSecretsUnavailableException>(() => secrets.GetAsync("acme", "github", CancellationToken.None).AsTask());

        Assert.Contains("/eventpipeline/webhooks/acme/github", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ThrottlingException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsmGetAsync_SsmFailsAfterTtl_ServesLastKnownSecrets()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = "s1" };
        var clock = new FixedClock(WebhookTestKit.Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);
        await secrets.GetAsync("acme", "github", CancellationToken.None);

        ssm.Failure = new AmazonSimpleSystemsManagementException("Rate exceeded");
        clock.Now += TimeSpan.FromMinutes(10);
        var result = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Equal(["s1"], result);
    }

    [Fact]
    public async Task SsmGetAsync_MalformedValue_UnavailableNamingParameterNotValue()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = """["hunter2-secret", 5]""" };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FixedClock(WebhookTestKit.Now));

        var ex = await Assert.ThrowsAsync<WebhookSecretsUnavailableException>(() => secrets.GetAsync("acme", "github", CancellationToken.None).AsTask());

        Assert.Contains("/eventpipeline/webhooks/acme/github", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsFromEnvironment_SecretsFileSet_UsesFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"webhook-secrets-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, File);
        try
        {
            var env = new Dictionary<string, string> { ["WEBHOOK_SECRETS_FILE"] = path };

            var secrets = WebhookComposition.SecretsFromEnvironment(name => env.GetValueOrDefault(name));

            Assert.IsType<FileWebhookSecrets>(secrets);
            Assert.Equal(["s1", "s2"], await secrets.GetAsync("demo", "github", CancellationToken.None));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void SecretsFromEnvironment_NoFile_UsesSsmWithConfiguredPrefix()
    {
        var env = new Dictionary<string, string> { ["WEBHOOK_SECRETS_PREFIX"] = "/prod/hooks" };

        var secrets = WebhookComposition.SecretsFromEnvironment(name => env.GetValueOrDefault(name), new FakeSsm());

        var ssm = Assert.IsType<SsmWebhookSecrets>(secrets);
        Assert.Equal("/prod/hooks/acme/github", ssm.ParameterName("acme", "github"));
    }

    [Fact]
    public void OptionsFromEnvironment_Variables_Applied()
    {
        var env = new Dictionary<string, string> { ["EVENTS_STREAM"] = "events-test", ["WEBHOOK_PUBLIC_BASE_URL"] = "http://127.0.0.1:4000" };

        var options = WebhookComposition.OptionsFromEnvironment(name => env.GetValueOrDefault(name));

        Assert.Equal("events-test", options.StreamName);
        Assert.Equal("http://127.0.0.1:4000", options.PublicBaseUrl);
    }

    [Fact]
    public void OptionsFromEnvironment_Nothing_DefaultsToTopologyStream()
    {
        var options = WebhookComposition.OptionsFromEnvironment(_ => null);

        Assert.Equal("events", options.StreamName);
        Assert.Null(options.PublicBaseUrl);
    }

    /// <summary>SSM with an in-memory parameter store; records every GetParameter request.</summary>
    private sealed class FakeSsm() : AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("test", "test"), RegionEndpoint.USEast1)
    {
        private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

        public List<GetParameterRequest> Requests { get; } = [];

        public Exception? Failure { get; set; }

        public string this[string name]
        {
            set => _parameters[name] = value;
        }

        public override Task<GetParameterResponse> GetParameterAsync(GetParameterRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            if (Failure is not null)
            {
                throw Failure;
            }

            if (!_parameters.TryGetValue(request.Name, out var value))
            {
                throw new ParameterNotFoundException("not found") { StatusCode = HttpStatusCode.BadRequest };
            }

            return Task.FromResult(new GetParameterResponse
            {
                Parameter = new Parameter { Name = request.Name, Type = ParameterType.SecureString, Value = value },
            });
        }
    }
}
