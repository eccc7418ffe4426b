using Amazon.CDK;
using EventPipeline.Topology;
using Architecture = Amazon.CDK.AWS.Lambda.Architecture;

namespace EventPipeline.Infra.Tests;

public sealed class InfraSettingsTests
{
    [Fact]
    public void FromContext_OnlyRequiredKeys_DefaultsToOnDemandX64BundlingAndTopologyAudience()
    {
        var settings = Settings(new Dictionary<string, object>());

        Assert.Null(settings.Shards);
        Assert.Equal(Architecture.X86_64.Name, settings.Architecture.Name);
        Assert.Equal("linux-x64", settings.RuntimeIdentifier);
        Assert.Equal(PipelineTopology.Auth.Audience, settings.JwtAudience);
        Assert.Equal(Issuer, settings.JwtIssuer);
        Assert.Equal(Sender, settings.FromEmailAddress);
        Assert.False(settings.LowLatencyIngest);
    }

    [Theory]
    [InlineData("low", true)]
    [InlineData("LOW", true)]
    [InlineData("default", false)]
    public void FromContext_IngestLatency_SelectsTheMode(string value, bool low)
    {
        Assert.Equal(low, Settings(new Dictionary<string, object> { ["ingestLatency"] = value }).LowLatencyIngest);
    }

    [Theory]
    [InlineData("jwtIssuer")]
    [InlineData("fromEmailAddress")]
    public void FromContext_RequiredKeyMissing_ThrowsNamingIt(string key)
    {
        var context = Required();
        context.Remove(key);

        var error = Assert.Throws<ArgumentException>(() => InfraSettings.FromContext(new App(new AppProps { Context = context }).Node));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"-c {key}=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromContext_Arm64_SelectsArm64AndItsRuntimeIdentifier()
    {
        var settings = Settings(new Dictionary<string, object> { ["arch"] = "arm64" });

        Assert.Equal(Architecture.ARM_64.Name, settings.Architecture.Name);
        Assert.Equal("linux-arm64", settings.RuntimeIdentifier);
    }

    [Theory]
    [InlineData("shards", "0")]
    [InlineData("shards", "many")]
    [InlineData("arch", "mips")]
    [InlineData("bundling", "sometimes")]
    [InlineData("functions", "ingest,nope")]
    [InlineData("ingestLatency", "fast")]
    public void FromContext_InvalidValue_ThrowsNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Settings(new Dictionary<string, object> { [key] = value }));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromContext_FunctionsFilter_KeepsOnlyNamedFunctions()
    {
        var settings = Settings(new Dictionary<string, object> { ["functions"] = "Ingest, query" });

        Assert.Equal(["ingest", "query"], settings.BundleOnly!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ParseRouteKey_MalformedKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => QueryApiConstruct.ParseRouteKey("get aggregates"));
    }

    private const string Issuer = "https://issuer.example.com";
    private const string Sender = "reminders@example.com";

    private static Dictionary<string, object> Required() => new() { ["jwtIssuer"] = Issuer, ["fromEmailAddress"] = Sender };

    private static InfraSettings Settings(Dictionary<string, object> context)
    {
        var all = Required();
        foreach (var (key, value) in context)
        {
            all[key] = value;
        }

        return InfraSettings.FromContext(new App(new AppProps { Context = all }).Node);
    }
}
