namespace EventPipeline.Local.Tests.Integration;

/// <summary>A start on data another item layout wrote stops and says how to go on, before anything is started or changed.</summary>
public sealed class DataLayoutTests
{
    [Fact]
    public async Task Start_OnDataOfAnOlderLayout_RefusesNamingFreshAndInMemory()
    {
        var data = Path.Combine(Path.GetTempPath(), "eventpipeline-layout-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(data, "data", "dynamodb"));
        await File.WriteAllTextAsync(Path.Combine(data, "data", "dynamodb", "shared-local-instance.db"), "old");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalStack.StartAsync(new LocalStackOptions { DataDirectory = data, GatewayPort = 0, AwsPort = 0 }));

        Assert.Contains("--fresh", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--in-memory", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "data", "dynamodb", "shared-local-instance.db")), "the old data was left as it was");
        Directory.Delete(data, recursive: true);
    }
}
