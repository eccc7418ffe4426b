using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Deploy;

/// <summary>
/// Synthesizes the CDK app (<c>infra/</c>) into a cloud assembly, as <c>cdk synth</c> does, with function bundling
/// skipped (the local stack hosts the functions from source). The result is cached under
/// <c>.eventpipeline/synth/</c>, keyed by a hash of everything the app reads (infra/, the topology and workflow sources,
/// cdk.json, the build settings) and the context given, so a restart with no change does not synthesize again.
/// </summary>
public sealed class CdkSynthesizer(string repoRoot, Action<string>? log = null)
{
    /// <summary>Folders (under the repository root) whose files the CDK app reads at synth time.</summary>
    public static readonly IReadOnlyList<string> Inputs =
    [
        "infra", "src/EventPipeline.Topology", "src/EventPipeline.Workflow", "cdk.json", "Directory.Build.props", "Directory.Packages.props", "global.json",
    ];

    private readonly Action<string> _log = log ?? (_ => { });

    /// <summary>The cache folder.</summary>
    public string CacheDirectory => Path.Combine(repoRoot, ".eventpipeline", "synth");

    /// <summary>
    /// The cloud assembly for <paramref name="context"/> (merged over cdk.json's context): from the cache when its key
    /// matches, otherwise synthesized now.
    /// </summary>
    public async Task<SynthResult> SynthesizeAsync(IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var merged = MergedContext(context);
        var key = InputHash(merged);
        var output = Path.Combine(CacheDirectory, "cdk.out");
        var keyFile = Path.Combine(CacheDirectory, "key.txt");
        Directory.CreateDirectory(CacheDirectory);
        using var gate = await CrossProcessLock.AcquireAsync(Path.Combine(CacheDirectory, ".lock"), TimeSpan.FromMinutes(10), _log, cancellationToken);
        if (File.Exists(keyFile) && await File.ReadAllTextAsync(keyFile, cancellationToken) == key && File.Exists(Path.Combine(output, "manifest.json")))
        {
            return new SynthResult(output, FromCache: true, TimeSpan.Zero);
        }

        var clock = Stopwatch.StartNew();
        _log("synthesizing the CDK app (bundling skipped) …");
        var staging = Path.Combine(CacheDirectory, "cdk.out.new");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        await RunAppAsync(staging, merged, cancellationToken);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.Move(staging, output);
        await File.WriteAllTextAsync(keyFile, key, cancellationToken);
        _log($"synthesized in {clock.Elapsed.TotalSeconds:0.0} s");
        return new SynthResult(output, FromCache: false, clock.Elapsed);
    }

    /// <summary>cdk.json's context with <paramref name="overrides"/> on top (what the CDK CLI passes the app).</summary>
    public JsonObject MergedContext(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var cdkJson = JsonNode.Parse(File.ReadAllText(Path.Combine(repoRoot, "cdk.json")))!.AsObject();
        var context = cdkJson["context"]?.DeepClone().AsObject() ?? [];
        foreach (var (k, v) in overrides)
        {
            context[k] = v;
        }

        return context;
    }

    /// <summary>Hash of every input file's path and bytes, and of the context.</summary>
    public string InputHash(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in InputFiles())
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(repoRoot, file).Replace('\\', '/') + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        hash.AppendData(Encoding.UTF8.GetBytes(context.ToJsonString()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private IEnumerable<string> InputFiles()
    {
        foreach (var input in Inputs)
        {
            var path = Path.Combine(repoRoot, input);
            if (File.Exists(path))
            {
                yield return path;
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                             .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                         && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                             .Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
        }
    }

    private async Task RunAppAsync(string outDir, JsonObject context, CancellationToken ct)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var environment = new Dictionary<string, string>
        {
            // What the CDK CLI hands an app: where to write the assembly and the merged context.
            ["CDK_OUTDIR"] = outDir,
            ["CDK_CONTEXT_JSON"] = context.ToJsonString(),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        CommandRunner.Result result;
        try
        {
            result = await CommandRunner.RunAsync(
                dotnet, ["run", "--project", Path.Combine(repoRoot, "infra", "EventPipeline.Infra")], repoRoot, TimeSpan.FromMinutes(10), ct, environment);
        }
        catch (TimeoutException ex)
        {
            throw new EmulatorException("synthesizing the CDK app (dotnet run --project infra/EventPipeline.Infra) took over 10 minutes.", ex);
        }

        if (result.ExitCode != 0 || !File.Exists(Path.Combine(outDir, "manifest.json")))
        {
            throw new EmulatorException(
                $"synthesizing the CDK app failed (exit code {result.ExitCode}); run 'dotnet run --project infra/EventPipeline.Infra' to see why. Last lines:\n{CommandRunner.Tail(result.Output, 30)}");
        }
    }
}
