using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Aws.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace EventPipeline.Aws.Tests.Webhooks;

public sealed class SsmWebhookSecretsTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SsmGetAsync_Parameter_ReadsDecryptedParameterAtTenantSourcePath()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = """["s1","s2"]""" };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FakeTimeProvider(Now));

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
        var secrets = new SsmWebhookSecrets(ssm, "/custom/", new FakeTimeProvider(Now));

        Assert.Equal(["a", "b"], await secrets.GetAsync("acme", "stripe", CancellationToken.None));
    }

    [Fact]
    public async Task SsmGetAsync_WithinTtl_ServedFromCache_AfterTtl_ReadAgain()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = "old" };
        var clock = new FakeTimeProvider(Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);

        await secrets.GetAsync("acme", "github", CancellationToken.None);
        ssm["/eventpipeline/webhooks/acme/github"] = "new";
        clock.Advance(TimeSpan.FromMinutes(4));
        var cached = await secrets.GetAsync("acme", "github", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var refreshed = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Equal(["old"], cached);
        Assert.Equal(["new"], refreshed);
        Assert.Equal(2, ssm.Requests.Count);
    }

    [Fact]
    public async Task SsmGetAsync_ParameterMissing_EmptyAndRememberedForThirtySeconds()
    {
        var ssm = new FakeSsm();
        var clock = new FakeTimeProvider(Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);

        var first = await secrets.GetAsync("acme", "github", CancellationToken.None);
        ssm["/eventpipeline/webhooks/acme/github"] = "created";
        clock.Advance(TimeSpan.FromSeconds(29));
        var second = await secrets.GetAsync("acme", "github", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2));
        var third = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.Equal(["created"], third);
        // The first miss asks for the tenant's parameter and the source's default; the third finds the tenant's.
        Assert.Equal(3, ssm.Requests.Count);
    }

    [Fact]
    public async Task SsmGetAsync_TenantHasNoParameter_SourceDefaultForEveryTenant()
    {
        var ssm = new FakeSsm();
        ssm["/eventpipeline/webhooks/github"] = "[\"shared\"]";
        ssm["/eventpipeline/webhooks/acme/github"] = "[\"own\"]";
        var secrets = new SsmWebhookSecrets(ssm, clock: new FakeTimeProvider(Now));

        Assert.Equal(["own"], await secrets.GetAsync("acme", "github", CancellationToken.None));
        Assert.Equal(["shared"], await secrets.GetAsync("globex", "github", CancellationToken.None));
        Assert.Equal("/eventpipeline/webhooks/github", secrets.DefaultParameterName("github"));
    }

    [Fact]
    public async Task SsmGetAsync_SsmFailsWithNothingCached_UnavailableWithoutSecretValues()
    {
        var ssm = new FakeSsm { Failure = new AmazonSimpleSystemsManagementException("Rate exceeded") { ErrorCode = "ThrottlingException" } };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FakeTimeProvider(Now));

        var ex = await Assert.ThrowsAsync<WebhookSecretsUnavailableException>(() => secrets.GetAsync("acme", "github", CancellationToken.None).AsTask());

        Assert.Contains("/eventpipeline/webhooks/acme/github", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ThrottlingException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SsmGetAsync_SsmFailsAfterTtl_ServesLastKnownSecrets()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = "s1" };
        var clock = new FakeTimeProvider(Now);
        var secrets = new SsmWebhookSecrets(ssm, clock: clock);
        await secrets.GetAsync("acme", "github", CancellationToken.None);

        ssm.Failure = new AmazonSimpleSystemsManagementException("Rate exceeded");
        clock.Advance(TimeSpan.FromMinutes(10));
        var result = await secrets.GetAsync("acme", "github", CancellationToken.None);

        Assert.Equal(["s1"], result);
    }

    [Fact]
    public async Task SsmGetAsync_MalformedValue_UnavailableNamingParameterNotValue()
    {
        var ssm = new FakeSsm { ["/eventpipeline/webhooks/acme/github"] = """["hunter2-secret", 5]""" };
        var secrets = new SsmWebhookSecrets(ssm, clock: new FakeTimeProvider(Now));

        var ex = await Assert.ThrowsAsync<WebhookSecretsUnavailableException>(() => secrets.GetAsync("acme", "github", CancellationToken.None).AsTask());

        Assert.Contains("/eventpipeline/webhooks/acme/github", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
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
