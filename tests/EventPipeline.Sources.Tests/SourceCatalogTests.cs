namespace EventPipeline.Sources.Tests;

/// <summary><see cref="SourceCatalog.Create"/>: every source registered under its adapter's name, every one with samples.</summary>
public sealed class SourceCatalogTests
{
    private static readonly IReadOnlyList<SampleCase> AllSamples = Samples.All().ToList();

    public static TheoryData<string> Sources() => new(SourceTestKit.Sources);

    [Fact]
    public void Create_Always_RegistersTheFourteenSources()
    {
        Assert.Equal(
            ["cloudevents", "csv", "eventbridge", "github", "graph", "jira", "pagerduty", "salesforce", "segment", "sendgrid", "shopify", "stripe", "twilio", "zendesk"],
            SourceTestKit.Sources);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Create_EverySource_RegistersAdapterUnderItsName(string source)
    {
        var registration = SourceTestKit.Registration(source);

        Assert.Equal(source, registration.Name);
        Assert.Equal(source, registration.Adapter.Name);
    }

    [Fact]
    public void Catalog_EverySource_HasThreeSamplesIncludingARejectedCase()
    {
        Assert.NotEmpty(SourceTestKit.Catalog);
        foreach (var name in SourceTestKit.Catalog.Keys)
        {
            var samples = AllSamples.Where(s => string.Equals(s.Source, name, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(samples.Count >= 3, $"{name}: {samples.Count} samples, need at least 3");
            Assert.True(samples.Any(s => s.Expect.TryGetProperty("rejected", out _)), $"{name}: no rejected sample");
        }
    }

    [Fact]
    public void Samples_EverySampleFolder_BelongsToARegisteredSource()
    {
        var unknown = AllSamples.Select(s => s.Source).Distinct().Where(s => !SourceTestKit.Catalog.ContainsKey(s)).ToList();
        Assert.Empty(unknown);
    }
}
