using System.Runtime.CompilerServices;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

/// <summary>
/// Lets the test assembly act as a separate "local stack" process: run with <c>dotnet exec EventPipeline.Local.Tests.dll</c>
/// and <see cref="ModeVariable"/> set, it either starts an emulator through the real API, prints <c>READY &lt;pid&gt;</c>
/// and waits to be killed (the orphan tests), or installs the emulators, printing the installer's messages, and exits
/// (the concurrent-install test). Under the test runner the variable is absent and this does nothing.
/// </summary>
internal static class ChildProcessHost
{
    /// <summary><c>sleep</c> (a stand-in child), <c>kinesis</c> (real kinesis-mock) or <c>install</c> (install and exit).</summary>
    public const string ModeVariable = "EVENTPIPELINE_TEST_CHILD_HOST";

    public const string LogVariable = "EVENTPIPELINE_TEST_CHILD_LOG";

    /// <summary>A start info that runs this test assembly as a child host in <paramref name="mode"/>.</summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo(string mode, IReadOnlyDictionary<string, string> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath : "dotnet";
        var startInfo = new System.Diagnostics.ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("exec");
        startInfo.ArgumentList.Add(typeof(ChildProcessHost).Assembly.Location);
        startInfo.Environment[ModeVariable] = mode;
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        return startInfo;
    }

#pragma warning disable CA2255 // Deliberate: the initializer is the only hook into the test assembly's generated entry point.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunIfRequested()
    {
        var mode = Environment.GetEnvironmentVariable(ModeVariable);
        if (string.IsNullOrEmpty(mode))
        {
            return;
        }

        if (mode == "install")
        {
            // npm_config_cache and EVENTPIPELINE_HOME come from the parent test's environment for this process.
            new EmulatorInstaller(EmulatorInstaller.FindRepoRoot(), Console.WriteLine).EnsureInstalledAsync(CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine("INSTALLED");
            Console.Out.Flush();
            Environment.Exit(0);
        }

        var log = Environment.GetEnvironmentVariable(LogVariable) ?? Path.Combine(Path.GetTempPath(), "orphan-host.log");
        int pid;
        if (mode == "kinesis")
        {
            var installation = new EmulatorInstaller(EmulatorInstaller.FindRepoRoot()).EnsureInstalledAsync(CancellationToken.None).GetAwaiter().GetResult();
            var emulator = KinesisMockEmulator.StartAsync(
                installation, 0, Path.GetDirectoryName(log)!, "us-east-1", "000000000000", TimeSpan.FromSeconds(90), null, CancellationToken.None).GetAwaiter().GetResult();
            pid = emulator.Process.ProcessId;
        }
        else
        {
            pid = EmulatorProcess.Start(new EmulatorStartInfo("orphan-probe", "sleep", ["300"], Path.GetTempPath(), log)).ProcessId;
        }

        Console.WriteLine($"READY {pid}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
