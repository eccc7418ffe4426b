using System.Diagnostics;
using System.Globalization;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

public sealed class EmulatorProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _temp = Directory.CreateTempSubdirectory("eventpipeline-process-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task Start_ProcessWritesOutput_OutputLandsInLog()
    {
        var log = Path.Combine(_temp, "echo.log");
        using var process = EmulatorProcess.Start(Shell("echo hello-out; echo hello-err >&2; sleep 30", log));

        await WaitUntilAsync(() => process.ReadLogTail().Contains("hello-err", StringComparison.Ordinal), "both lines in the log");

        Assert.Contains("hello-out", process.ReadLogTail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitUntilReadyAsync_ProcessExitsEarly_FailsWithLogTail()
    {
        using var process = EmulatorProcess.Start(Shell("echo port already bound; exit 3", Path.Combine(_temp, "exit.log")));

        var error = await Assert.ThrowsAsync<EmulatorException>(
            () => process.WaitUntilReadyAsync(_ => Task.FromResult(false), Patience, CancellationToken.None));

        Assert.Contains("port already bound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitUntilReadyAsync_NeverReady_TimesOutWithLogTail()
    {
        using var process = EmulatorProcess.Start(Shell("echo starting up; sleep 30", Path.Combine(_temp, "slow.log")));
        await WaitUntilAsync(() => process.ReadLogTail().Contains("starting", StringComparison.Ordinal), "output logged");

        var error = await Assert.ThrowsAsync<EmulatorException>(
            () => process.WaitUntilReadyAsync(_ => Task.FromResult(false), TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Contains("starting up", error.Message, StringComparison.Ordinal);
        Assert.Contains("not ready", error.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task Dispose_RunningProcess_KillsWholeTree()
    {
        var process = EmulatorProcess.Start(new EmulatorStartInfo("tree", "sleep", ["300"], _temp, Path.Combine(_temp, "tree.log")));
        var descendants = await WaitForDescendantAsync(process.ProcessId, "sleep");

        process.Dispose();

        await WaitUntilAsync(() => !ProcessTable.IsAlive(descendants) && !ProcessTable.IsAlive(process.ProcessId), "sleep and watchdog gone");
    }

    [LinuxFact]
    public async Task ParentKilled_WithSigkill_EmulatorDiesToo()
    {
        await AssertNoOrphanAfterSigkillAsync("sleep", "sleep");
    }

    [EmulatorFact]
    public async Task ParentKilled_WithSigkill_KinesisMockDiesToo()
    {
        await AssertNoOrphanAfterSigkillAsync("kinesis", "node");
    }

    private async Task AssertNoOrphanAfterSigkillAsync(string mode, string childName)
    {
        var startInfo = ChildProcessHost.StartInfo(mode, new Dictionary<string, string> { [ChildProcessHost.LogVariable] = Path.Combine(_temp, "orphan.log") });
        using var host = Process.Start(startInfo)!;
        try
        {
            var readLine = host.StandardOutput.ReadLineAsync();
            var finished = await Task.WhenAny(readLine, Task.Delay(TimeSpan.FromSeconds(120)));
            Assert.True(finished == readLine, "the host process did not report READY: " + (host.HasExited ? await host.StandardError.ReadToEndAsync() : "still starting"));
            var line = await readLine;
            Assert.StartsWith("READY ", line, StringComparison.Ordinal);
            var watchdog = int.Parse(line!["READY ".Length..], CultureInfo.InvariantCulture);
            var emulator = await WaitForDescendantAsync(watchdog, childName);

            host.Kill(); // SIGKILL on Unix: no handler in the host runs.
            await host.WaitForExitAsync();

            await WaitUntilAsync(() => !ProcessTable.IsAlive(emulator), $"{childName} (pid {emulator}) gone after its parent was SIGKILLed");
            await WaitUntilAsync(() => !ProcessTable.IsAlive(watchdog), $"watchdog (pid {watchdog}) gone");
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> WaitForDescendantAsync(int pid, string name)
    {
        var found = 0;
        await WaitUntilAsync(
            () =>
            {
                found = ProcessTable.ChildrenOf(pid).FirstOrDefault(c => ProcessTable.NameOf(c) == name);
                return found != 0;
            },
            $"{name} started under pid {pid}");
        return found;
    }

    [LinuxFact]
    public async Task Restart_StateFileCutShortByTheKill_PutsBackItsLastWholeCopy()
    {
        // kinesis-mock rewrites its state in place; killed mid-write, it left half a file and then exited at every start
        // while reading it (CI, 2026-12-01 23:55: NoSuchElementException sixteen times, the stream gone for the rest of the run).
        var state = Path.Combine(_temp, "kinesis-data.json");
        const string Whole = """{"streams":{"events":{"shards":[1,2,3]}}}""";
        await File.WriteAllTextAsync(state, Whole);
        var log = Path.Combine(_temp, "stateful.log");
        using var process = EmulatorProcess.Start(Stateful(state, log));
        process.KeepWholeState(TimeSpan.Zero);
        await File.WriteAllTextAsync(state, """{"streams":{"events":{"sha""");

        await process.RestartAsync(Patience, CancellationToken.None);

        Assert.Equal(Whole, await File.ReadAllTextAsync(state));
        Assert.Contains("was cut short by the kill (the emulator rewrites it in place); restored its last whole copy", await ReadSharedAsync(log), StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task Restart_StateFileCutShortWithNoWholeCopy_MovesItAsideSoTheEmulatorCanStart()
    {
        var state = Path.Combine(_temp, "kinesis-data.json");
        var log = Path.Combine(_temp, "stateful.log");
        using var process = EmulatorProcess.Start(Stateful(state, log));
        await File.WriteAllTextAsync(state, """{"streams":""");

        await process.RestartAsync(Patience, CancellationToken.None);

        Assert.False(File.Exists(state));
        Assert.Equal("""{"streams":""", await File.ReadAllTextAsync(state + ".cut-short"));
        Assert.Contains("has no whole copy; moved aside", await ReadSharedAsync(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepWholeState_StateFileCutShort_KeepsThePreviousWholeCopy()
    {
        var state = Path.Combine(_temp, "kinesis-data.json");
        await File.WriteAllTextAsync(state, """{"a":1}""");
        using var process = EmulatorProcess.Start(Stateful(state, Path.Combine(_temp, "keep.log")));
        process.KeepWholeState(TimeSpan.Zero);
        await File.WriteAllTextAsync(state, """{"a":1,"b":""");
        File.SetLastWriteTimeUtc(state, DateTime.UtcNow.AddSeconds(5));

        process.KeepWholeState(TimeSpan.Zero);

        Assert.Equal("""{"a":1}""", await File.ReadAllTextAsync(process.WholeStateCopy!));
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private EmulatorStartInfo Stateful(string state, string log) =>
        new("stateful", "sleep", ["300"], _temp, log) { StateFile = state, StopGracePeriod = TimeSpan.FromMilliseconds(100) };

    private EmulatorStartInfo Shell(string script, string log) => new("shell", "/bin/sh", ["-c", script], _temp, log);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
