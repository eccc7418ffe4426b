using System.Diagnostics;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Benchmarks;

/// <summary>
/// Finds a function's Native AOT binary and its JIT build under artifacts/, and publishes them when absent or older than
/// the newest source (a benchmark of a stale binary measures code that is no longer there).
/// </summary>
internal static class FunctionBuilds
{
    public static string RepoRoot { get; } = EmulatorInstaller.FindRepoRoot();

    /// <summary>artifacts/aot/&lt;Name&gt;/EventPipeline.&lt;Name&gt; — the bootstrap binary as deployed.</summary>
    public static async Task<string> AotAsync(string name)
    {
        var dir = Path.Combine(RepoRoot, "artifacts", "aot", name);
        var binary = Path.Combine(dir, $"EventPipeline.{name}");
        if (IsStale(binary))
        {
            await PublishAsync(name, dir, aot: true);
        }

        return binary;
    }

    /// <summary>artifacts/jit/&lt;Name&gt;/EventPipeline.&lt;Name&gt;.dll — the same code, JIT-compiled, run with <c>dotnet</c>.</summary>
    public static async Task<string> JitAsync(string name)
    {
        var dir = Path.Combine(RepoRoot, "artifacts", "jit", name);
        var dll = Path.Combine(dir, $"EventPipeline.{name}.dll");
        if (IsStale(dll))
        {
            await PublishAsync(name, dir, aot: false);
        }

        return dll;
    }

    /// <summary>Absent, or written before the newest C# file, project or build props under src/ (bin/ and obj/ aside).</summary>
    private static bool IsStale(string output)
    {
        if (!File.Exists(output))
        {
            return true;
        }

        var built = File.GetLastWriteTimeUtc(output);
        var sources = Directory.EnumerateFiles(Path.Combine(RepoRoot, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(RepoRoot, "Directory.*.props"));
        return sources.Any(f => File.GetLastWriteTimeUtc(f) > built);
    }

    private static async Task PublishAsync(string name, string output, bool aot)
    {
        Console.Error.WriteLine($"publishing {name} ({(aot ? "Native AOT" : "JIT")}) to {output} …");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = RepoRoot };
        foreach (var a in new[] { "publish", Path.Combine("src", $"EventPipeline.{name}"), "-c", "Release", "-o", output, "-nologo", "-v", "q" })
        {
            info.ArgumentList.Add(a);
        }

        if (aot)
        {
            info.ArgumentList.Add("-r");
            info.ArgumentList.Add("linux-x64");
            info.ArgumentList.Add("-p:PublishAot=true");
        }
        else
        {
            info.ArgumentList.Add("-p:PublishAot=false");
        }

        using var p = Process.Start(info)!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {name} failed with exit code {p.ExitCode}");
        }
    }
}
