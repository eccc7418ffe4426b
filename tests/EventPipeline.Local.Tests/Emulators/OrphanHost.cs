using System.Runtime.CompilerServices;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

/// <summary>
/// Lets the test assembly act as a separate "local stack" process for the orphan test: run with
/// <c>dotnet exec EventPipeline.Local.Tests.dll</c> and <see cref="ModeVariable"/> set, it starts an emulator through
/// the real API, prints <c>READY &lt;pid&gt;</c> and waits to be killed. Under the test runner the variable is
/// absent and this does nothing.
/// </summary>
internal static class OrphanHost
{
    /// <summary><c>sleep</c> (a stand-in child) or <c>kinesis</c> (real kinesis-mock).</summary>
    public const string ModeVariable = "EVENTPIPELINE_TEST_ORPHAN_HOST";

    public const string LogVariable = "EVENTPIPELINE_TEST_ORPHAN_LOG";

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

        var log = Environment.GetEnvironmentVariable(LogVariable) ?? Path.Combine(Path.GetTempPath(), "orphan-host.log");
        int pid;
        if (mode == "kinesis")
        {
            var installation = new EmulatorInstaller(EmulatorInstaller.FindRepoRoot()).EnsureInstalledAsync(CancellationToken.None).GetAwaiter().GetResult();
            var emulator = KinesisMockEmulator.StartAsync(
                installation, 0, Path.GetDirectoryName(log)!, "us-east-1", "000000000000", TimeSpan.FromSeconds(90), CancellationToken.None).GetAwaiter().GetResult();
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
