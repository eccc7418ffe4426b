using EventPipeline.Local.Webhooks;

namespace EventPipeline.Local.Tests.Webhooks;

public sealed class FileWebhookSecretsTests
{
    private const string File = """
        {
          "tenants": {
            "demo": { "github": ["s1", "s2"], "Stripe": "whsec_a, whsec_b" },
            "*": { "github": ["default-1"], "shopify": ["shop-1"] }
          }
        }
        """;

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
}
