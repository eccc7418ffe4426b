using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// A child process the local stack owns. Its output goes to a log file; disposing it, Ctrl-C, normal process exit
/// and (on Linux/macOS) the death of this process by any signal, including SIGKILL, end it with its whole tree.
/// </summary>
/// <remarks>
/// SIGKILL cannot be caught, so on Unix the child is started through a small bash watchdog that holds the read end of
/// a pipe whose write end only this process has (its redirected stdin). When this process dies for any reason, the
/// kernel closes the write end, the watchdog reads end-of-file and terminates the emulator. This avoids
/// PR_SET_PDEATHSIG, which fires when the forking <em>thread</em> exits — in .NET that is an arbitrary pool thread.
/// </remarks>
public sealed class EmulatorProcess : IDisposable
{
    // The watchdog (bash 3.2+): run "$@" in the background with stdin from /dev/null; a second job blocks reading our
    // stdin (fd 3) and, at end-of-file — the parent closed it or died — terminates the emulator (TERM, then KILL).
    // A TERM or INT to the watchdog is passed on, and the watchdog then waits until the emulator has exited: a trapped
    // signal ends the first `wait` early, and leaving then would orphan an emulator still writing its state.
    // The builtin read keeps that job a single process, so killing it leaves nothing behind.
    private const string WatchdogScript = """
        exec 3<&0
        "$@" </dev/null &
        child=$!
        { while read -r -u 3 _; do :; done; kill -TERM $child 2>/dev/null; sleep 3; kill -KILL $child 2>/dev/null; } &
        watcher=$!
        exec 3<&-
        trap 'kill -TERM $child 2>/dev/null' TERM INT
        wait $child
        rc=$?
        while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
        kill $watcher 2>/dev/null
        exit $rc
        """;

    private static readonly ConcurrentDictionary<EmulatorProcess, byte> Live = new();
    private static int _handlersRegistered;

    private readonly EmulatorStartInfo _info;
    private readonly StreamWriter _log;
    private readonly object _logGate = new();
    private Process _process = null!;
    private Func<CancellationToken, Task<bool>>? _readiness;
    private int _disposed;
    private int _restarts;

    // The state file's last whole copy: when it was taken, and the (length, write time) it was taken of.
    private readonly Stopwatch _sinceWholeCopy = new();
    private (long Length, DateTime Written) _wholeCopyOf;

    private EmulatorProcess(EmulatorStartInfo info, StreamWriter log)
    {
        _info = info;
        Name = info.Name;
        _log = log;
        LogPath = info.LogPath;
    }

    /// <summary>Short name of the emulator.</summary>
    public string Name { get; }

    /// <summary>The log file receiving stdout and stderr.</summary>
    public string LogPath { get; }

    /// <summary>PID of the started process (on Unix, the watchdog whose child is the emulator).</summary>
    public int ProcessId { get; private set; }

    /// <summary>
    /// The emulator itself (Linux): the child of the watchdog shell <see cref="ProcessId"/> that is not the shell waiting
    /// for this process to end; null while it is not running. What a fault is injected into (SIGKILL, SIGSTOP).
    /// </summary>
    public int? EmulatorProcessId => ProcessTable.ChildrenOf(ProcessId).Where(pid => ProcessTable.NameOf(pid) != "bash").Cast<int?>().FirstOrDefault();

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/> (137 after SIGKILL of the emulator under the watchdog).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How many times <see cref="RestartAsync"/> brought it back.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Starts the process; output goes to <see cref="EmulatorStartInfo.LogPath"/>.</summary>
    public static EmulatorProcess Start(EmulatorStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        RegisterExitHandlers();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(info.LogPath))!);
        var log = new StreamWriter(new FileStream(info.LogPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8)
        {
            AutoFlush = true,
        };
        var emulator = new EmulatorProcess(info, log);
        try
        {
            emulator.Launch();
        }
        catch
        {
            log.Dispose();
            throw;
        }

        Live[emulator] = 0;
        return emulator;
    }

    /// <summary>
    /// Starts <paramref name="info"/> and waits until <paramref name="probe"/> answers; on any failure the process is
    /// stopped before the error goes on, so a failed start leaves nothing running.
    /// </summary>
    public static async Task<EmulatorProcess> StartReadyAsync(EmulatorStartInfo info, Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Start(info);
        try
        {
            await process.WaitUntilReadyAsync(probe, timeout, cancellationToken);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the same command again on the same port and data after the process ended (crash, SIGKILL), and waits
    /// until the readiness probe of the first start answers. The log continues in the same file.
    /// </summary>
    public async Task RestartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        KillTree();
        var previous = _process;
        WriteLog($"---- eventpipeline: {Name} exited with code {(previous.HasExited ? previous.ExitCode : -1)}; restarting");
        RestoreWholeState();
        Launch();
        previous.Dispose();
        Interlocked.Increment(ref _restarts);
        if (_readiness is { } probe)
        {
            await WaitUntilReadyAsync(probe, timeout, cancellationToken);
        }
    }

    private void Launch()
    {
        var info = _info;
        var bash = OperatingSystem.IsWindows() ? null : FindBash();
        var startInfo = new ProcessStartInfo(bash ?? info.FileName)
        {
            WorkingDirectory = info.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (bash is not null)
        {
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(WatchdogScript);
            startInfo.ArgumentList.Add($"eventpipeline-{info.Name}");
            startInfo.ArgumentList.Add(info.FileName);
        }

        foreach (var argument in info.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in info.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new EmulatorException($"Could not start {info.Name} ('{info.FileName}'): {ex.Message}. Check that it is installed and on PATH.", ex);
        }

        _process = process;
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // stdin stays open and unused: on Unix it is the watchdog's lifeline.
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Fails with the log tail if the process exits or
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        _readiness = probe;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // The parameterless wait also drains the redirected output, so the log holds the last lines it printed.
                _process.WaitForExit();
                throw new EmulatorException(
                    $"{Name} exited with code {_process.ExitCode} before it was ready; see {LogPath}. Last log lines:\n{ReadLogTail(30)}");
            }

            bool ready;
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                ready = await probe(attempt.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                ready = false;
            }

            if (ready)
            {
                return;
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new EmulatorException(
                    $"{Name} was not ready within {timeout.TotalSeconds:0} s (is its port free? is the machine overloaded?); see {LogPath}. Last log lines:\n{ReadLogTail(30)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines written to the log.</summary>
    public string ReadLogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return CommandRunner.Tail(reader.ReadToEnd(), lines);
        }
        catch (IOException)
        {
            return "(log not readable)";
        }
    }

    /// <summary>Kills the process and its whole tree, and closes the log.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Live.TryRemove(this, out _);
        AwaitStateWritten();
        KillTree();
        lock (_logGate)
        {
            _log.Dispose();
        }

        _process.Dispose();
    }

    /// <summary>Where <see cref="KeepWholeState"/> keeps the state file's last whole copy.</summary>
    public string? WholeStateCopy => _info.StateFile is { } file ? file + ".whole" : null;

    /// <summary>
    /// Copies <see cref="EmulatorStartInfo.StateFile"/> aside when it is whole JSON, at most every
    /// <paramref name="every"/> and only once it changed: kinesis-mock rewrites the file in place (truncate, then write),
    /// so a kill during a write leaves it cut short, and kinesis-mock then exits at every start while reading it. The
    /// watchdog calls this on its ticks; <see cref="RestartAsync"/> puts the copy back.
    /// </summary>
    public void KeepWholeState(TimeSpan every)
    {
        if (_info.StateFile is not { } file || _sinceWholeCopy.IsRunning && _sinceWholeCopy.Elapsed < every)
        {
            return;
        }

        try
        {
            var before = Stamp(file);
            if (before.Length <= 0 || before == _wholeCopyOf)
            {
                return;
            }

            var temp = WholeStateCopy + ".tmp";
            File.Copy(file, temp, overwrite: true);
            // Unchanged while it was copied, and whole: else the next tick tries again.
            if (Stamp(file) == before && IsWholeJson(temp))
            {
                File.Move(temp, WholeStateCopy!, overwrite: true);
                _wholeCopyOf = before;
                _sinceWholeCopy.Restart();
            }
            else
            {
                File.Delete(temp);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Being written or gone: the next tick tries again.
        }
    }

    /// <summary>
    /// Before a restart: a state file the kill cut short is replaced by its last whole copy (the records of the seconds
    /// since that copy are lost, as a kill loses the last second anyway), or, with no copy, moved aside so the emulator
    /// can start at all. Either way the log says so.
    /// </summary>
    private void RestoreWholeState()
    {
        if (_info.StateFile is not { } file || !File.Exists(file) || IsWholeJson(file))
        {
            return;
        }

        if (WholeStateCopy is { } copy && File.Exists(copy))
        {
            File.Copy(copy, file, overwrite: true);
            WriteLog($"---- eventpipeline: {Path.GetFileName(file)} was cut short by the kill (the emulator rewrites it in place); restored its last whole copy of {File.GetLastWriteTimeUtc(copy):HH:mm:ss} UTC");
        }
        else
        {
            File.Move(file, file + ".cut-short", overwrite: true);
            WriteLog($"---- eventpipeline: {Path.GetFileName(file)} was cut short by the kill and has no whole copy; moved aside to {Path.GetFileName(file)}.cut-short, the emulator starts without it");
        }

        _wholeCopyOf = default;
    }

    private static (long Length, DateTime Written) Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, DateTime.MinValue);
    }

    /// <summary>True when <paramref name="file"/> holds one JSON value and nothing but whitespace after it.</summary>
    internal static bool IsWholeJson(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }

            return bytes.AsSpan((int)reader.BytesConsumed).Trim(" \t\r\n"u8).IsEmpty;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until <see cref="EmulatorStartInfo.StateFile"/> has been written whole after this call began, at most
    /// <see cref="EmulatorStartInfo.StopGracePeriod"/>. Not SIGTERM: kinesis-mock signalled by this process neither wrote
    /// its state nor exited within 10 s in the tests here (from a shell it did both at once), so the stop waits for the
    /// interval's write, which needs nothing from the emulator but what it does anyway.
    /// </summary>
    private void AwaitStateWritten()
    {
        if (_info.StateFile is not { } file)
        {
            return;
        }

        try
        {
            if (_process.HasExited)
            {
                return;
            }

            var since = DateTime.UtcNow;
            var deadline = Stopwatch.StartNew();
            var previous = (Length: -1L, Written: DateTime.MinValue);
            while (deadline.Elapsed < _info.StopGracePeriod && !_process.HasExited)
            {
                var info = new FileInfo(file);
                var current = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
                // Written after the stop began, unchanged for one poll, and ending as the JSON it writes ends.
                if (current.Item2 > since && current == previous && EndsWithBrace(file))
                {
                    return;
                }

                previous = current;
                Thread.Sleep(50);
            }

            WriteLog($"---- eventpipeline: {Name} did not write {file} within {_info.StopGracePeriod.TotalSeconds:0} s of the stop; killing it");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Unreadable or gone: the tree is killed next either way.
        }
    }

    private static bool EndsWithBrace(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length == 0)
        {
            return false;
        }

        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '}';
    }

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already gone or not ours to kill any more; nothing else can be done.
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            if (_disposed == 0)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static string? FindBash()
    {
        foreach (var candidate in new[] { "/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return CommandRunner.FindOnPath("bash");
    }

    // Process-wide by nature: the hooks fire once per process, whichever component started the emulators.
    private static void RegisterExitHandlers()
    {
        if (Interlocked.Exchange(ref _handlersRegistered, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private static void KillAll()
    {
        foreach (var emulator in Live.Keys)
        {
            emulator.Dispose();
        }
    }
}
