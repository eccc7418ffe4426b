using System.Diagnostics;
using System.Globalization;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;

namespace EventPipeline.Infra;

/// <summary>
/// Local bundling for a function asset: <c>dotnet publish -p:PublishAot=true</c> of one src/ project for the Lambda
/// architecture, then the native executable is copied as <c>bootstrap</c> (the custom runtime's entry point) next to
/// the empty CA bundle that SSL_CERT_FILE points at. Runs at synth time on the operator's machine; there is no Docker
/// fallback because the .NET SDK image has no native toolchain for AOT.
/// </summary>
internal sealed class NativeAotBundling(string repoRoot, FunctionSpec function, string runtimeIdentifier) : DeputyBase, ILocalBundling
{
    /// <summary>Space-separated extra <c>dotnet publish</c> arguments (cross-compilation toolchain settings).</summary>
    public const string ExtraPublishArgumentsVariable = "EVENTPIPELINE_PUBLISH_ARGS";

    /// <summary>Called by the CDK asset staging with the directory that becomes the zip's root.</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var project = Path.Combine(repoRoot, "src", function.Project, function.Project + ".csproj");
        if (!File.Exists(project))
        {
            throw new InvalidOperationException($"Bundling '{function.Key}': project file '{project}' does not exist (repoRoot '{repoRoot}').");
        }

        var publishDir = Path.Combine(Path.GetTempPath(), "eventpipeline-publish", function.Project + "-" + runtimeIdentifier);
        if (Directory.Exists(publishDir))
        {
            Directory.Delete(publishDir, recursive: true);
        }

        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"[bundling] {function.Project} ({runtimeIdentifier}, Native AOT)…");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "publish", project, "-c", "Release", "-r", runtimeIdentifier, "-p:PublishAot=true", "--self-contained",
                     "-o", publishDir, "--nologo",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        // e.g. "-p:SysRoot=/usr/aarch64-linux-gnu -p:LinkerFlavor=lld" for an arm64 cross build (see infra/README.md).
        foreach (var arg in (System.Environment.GetEnvironmentVariable(ExtraPublishArgumentsVariable) ?? string.Empty)
                     .Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        // `dotnet run` of this app exports MSBuild variables that would point the child build at the parent's SDK state.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Bundling '{function.Key}': could not start 'dotnet'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Bundling '{function.Key}': dotnet publish exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}.\n{stdout.Result}\n{stderr.Result}");
        }

        var executable = Path.Combine(publishDir, function.Project);
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Bundling '{function.Key}': publish produced no native executable at '{executable}' (is PublishAot set?).");
        }

        // Only the executable ships: symbols (.dbg) and build leftovers stay out of the zip.
        File.Copy(executable, Path.Combine(outputDir, "bootstrap"), overwrite: true);
        File.WriteAllBytes(Path.Combine(outputDir, FunctionEnvironment.EmptyCertificatesFileName), []);
        Console.Error.WriteLine(
            $"[bundling] {function.Project}: {new FileInfo(executable).Length / 1024} KiB in {clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s");
        return true;
    }
}
