using System.Text;
using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;

namespace EventPipeline.Infra;

/// <summary>Chooses each function's code asset: a real Native AOT bundle, or the shared placeholder.</summary>
internal static class FunctionCode
{
    // Source files whose content decides a bundle; everything else (tests, infra, build outputs) is ignored so the
    // asset hash changes only when a function can change.
    private static readonly string[] SourceOnly =
    [
        "*", "!src/", "!Directory.Build.props", "!Directory.Packages.props", "!global.json", "!.editorconfig",
        "**/bin/", "**/obj/",
    ];

    public static Code For(FunctionSpec function, InfraSettings settings)
    {
        if (!settings.Bundle || (settings.BundleOnly is { } only && !only.Contains(function.Key)))
        {
            return Code.FromAsset(PlaceholderDirectory());
        }

        var repoRoot = settings.RepoRoot ?? FindRepoRoot();
        return Code.FromAsset(repoRoot, new Amazon.CDK.AWS.S3.Assets.AssetOptions
        {
            IgnoreMode = IgnoreMode.GLOB,
            Exclude = SourceOnly,
            Bundling = new BundlingOptions
            {
                // Required by the API; never pulled, because local bundling always succeeds or throws.
                Image = DockerImage.FromRegistry("public.ecr.aws/lambda/provided:al2023"),
                // The command also feeds the asset hash, which keeps the six bundles of one source tree apart.
                Command = ["dotnet", "publish", $"src/{function.Project}", "-c", "Release", "-r", settings.RuntimeIdentifier, "-p:PublishAot=true"],
                Local = new NativeAotBundling(repoRoot, function, settings.RuntimeIdentifier),
            },
        });
    }

    /// <summary>
    /// A directory with a <c>bootstrap</c> that only says it is a placeholder, for <c>bundling=skip</c>: unit tests and
    /// fast CI synth get a valid template without compiling six AOT executables. Same content → same asset hash.
    /// </summary>
    public static string PlaceholderDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "eventpipeline-placeholder-bootstrap");
        Directory.CreateDirectory(directory);
        var bootstrap = Path.Combine(directory, "bootstrap");
        const string Script = "#!/bin/sh\necho 'EventPipeline placeholder: synthesized with bundling=skip; run cdk deploy without it.' >&2\nexit 1\n";
        if (!File.Exists(bootstrap) || File.ReadAllText(bootstrap) != Script)
        {
            File.WriteAllText(bootstrap, Script, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bootstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return directory;
    }

    /// <summary>The directory holding global.json, searched upward from the working directory (cdk runs the app from the repo root).</summary>
    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "global.json")) && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Bundling needs the repository root (the folder with global.json and src/); none above '{Directory.GetCurrentDirectory()}'. Run cdk from the repository or pass -c {InfraSettings.Keys.RepoRoot}=<path>.");
    }
}
