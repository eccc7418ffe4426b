using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

public sealed class EmulatorInstallerTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("eventpipeline-installer-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [InlineData("v20.20.2\n", 20)]
    [InlineData("v18.19.0", 18)]
    [InlineData("v22.1.0\r\n", 22)]
    public void ParseNodeMajor_VersionOutput_ReturnsMajor(string output, int expected) =>
        Assert.Equal(expected, EmulatorInstaller.ParseNodeMajor(output));

    [Theory]
    [InlineData("openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment", 17)]
    [InlineData("java version \"1.8.0_392\"\nJava(TM) SE Runtime Environment", 8)]
    [InlineData("openjdk version \"21\" 2023-09-19", 21)]
    public void ParseJavaMajor_VersionOutput_ReturnsMajor(string output, int expected) =>
        Assert.Equal(expected, EmulatorInstaller.ParseJavaMajor(output));

    [Theory]
    [InlineData("")]
    [InlineData("command not found")]
    public void ParseVersions_NoVersion_ReturnNull(string output)
    {
        Assert.Null(EmulatorInstaller.ParseNodeMajor(output));
        Assert.Null(EmulatorInstaller.ParseJavaMajor(output));
    }

    [Fact]
    public void FindRepoRoot_NestedFolder_ReturnsFolderWithSolution()
    {
        File.WriteAllText(Path.Combine(_temp, "EventPipeline.sln"), "");
        var nested = Directory.CreateDirectory(Path.Combine(_temp, "src", "EventPipeline.Local", "bin")).FullName;

        Assert.Equal(_temp, EmulatorInstaller.FindRepoRoot(nested, home: null));
    }

    [Fact]
    public void FindRepoRoot_HomeSet_ReturnsHome()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_temp, "elsewhere")).FullName;

        Assert.Equal(elsewhere, EmulatorInstaller.FindRepoRoot(_temp, home: elsewhere));
    }

    [Fact]
    public void FindRepoRoot_NoSolutionAbove_FailsNamingTheVariable()
    {
        var error = Assert.Throws<EmulatorException>(() => EmulatorInstaller.FindRepoRoot(_temp, home: null));

        Assert.Contains(EmulatorInstaller.HomeVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsInstalled_EmptyRoot_IsFalse() =>
        Assert.False(new EmulatorInstaller(_temp).IsInstalled());

    [Fact]
    public void IsInstalled_PackagesAtPinnedVersionsWithJar_IsTrue()
    {
        var installer = new EmulatorInstaller(_temp);
        FakePackage(installer.KinesisMockDirectory, EmulatorInstaller.KinesisLocalVersion, "main.js");
        FakePackage(installer.DynamoDbLocalPackageDirectory, EmulatorInstaller.DynamoDbLocalVersion, Path.Combine("lib", "dynamodb_local_2030-01-01", "DynamoDBLocal.jar"));

        Assert.True(installer.IsInstalled());
        Assert.EndsWith("dynamodb_local_2030-01-01", installer.FindDynamoDbLocalDirectory(), StringComparison.Ordinal);
    }

    [Fact]
    public void IsInstalled_OtherKinesisVersion_IsFalse()
    {
        var installer = new EmulatorInstaller(_temp);
        FakePackage(installer.KinesisMockDirectory, "0.5.0", "main.js");
        FakePackage(installer.DynamoDbLocalPackageDirectory, EmulatorInstaller.DynamoDbLocalVersion, Path.Combine("lib", "dynamodb_local_2030-01-01", "DynamoDBLocal.jar"));

        Assert.False(installer.IsInstalled());
    }

    private static void FakePackage(string directory, string version, string file)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "package.json"), $$"""{"name":"x","version":"{{version}}"}""");
        var path = Path.Combine(directory, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
    }

    [EmulatorFact]
    public async Task EnsureInstalledAsync_SeveralAtOnceIntoEmptyFolderWithColdNpmCache_InstallOnceAndAllSucceed()
    {
        // The fixture and a test's child process used to run two npm installs into one .emulators/ folder at once, and
        // both failed (a package "still missing", a truncated DynamoDBLocal.jar). Here: a child process and three
        // installers in this process start together on an empty folder, with an npm cache nobody has filled.
        var npm = new Dictionary<string, string> { ["npm_config_cache"] = Directory.CreateDirectory(Path.Combine(_temp, "npm-cache")).FullName };
        var root = Directory.CreateDirectory(Path.Combine(_temp, "repo")).FullName;
        var child = System.Diagnostics.Process.Start(ChildProcessHost.StartInfo("install", new Dictionary<string, string>(npm) { [EmulatorInstaller.HomeVariable] = root }))!;
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var childOutput = child.StandardOutput.ReadToEndAsync();
        var childErrors = child.StandardError.ReadToEndAsync();

        var installs = Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => new EmulatorInstaller(root, messages.Enqueue, npm).EnsureInstalledAsync(CancellationToken.None)))
            .ToList();
        var installations = await Task.WhenAll(installs);
        await child.WaitForExitAsync();

        Assert.True(child.ExitCode == 0, $"child install failed: {await childErrors}");
        var output = (await childOutput).Split('\n').Concat(messages).ToList();
        Assert.Contains("INSTALLED", output.Select(l => l.Trim()));
        Assert.Single(output, m => m.StartsWith("Installing", StringComparison.Ordinal));
        Assert.True(new EmulatorInstaller(root).IsInstalled());
        Assert.All(installations, i => Assert.True(new FileInfo(Path.Combine(i.DynamoDbLocalDirectory, "DynamoDBLocal.jar")).Length > 1_000_000));
    }
}
