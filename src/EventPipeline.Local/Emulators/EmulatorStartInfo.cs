using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace EventPipeline.Local.Emulators;

/// <summary>What to start: an executable, its arguments, working folder, environment and log file.</summary>
/// <param name="Name">Short name used in messages and the log file name (e.g. <c>kinesis-mock</c>).</param>
/// <param name="FileName">Executable to run.</param>
/// <param name="Arguments">Arguments, passed as-is (no shell quoting).</param>
/// <param name="WorkingDirectory">Working folder of the process.</param>
/// <param name="LogPath">File that receives the process's stdout and stderr (overwritten).</param>
public sealed record EmulatorStartInfo(string Name, string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, string LogPath)
{
    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A file the emulator rewrites whole on an interval (its state). A stop waits until the file has been rewritten
    /// after the stop began, then kills the process in the pause before the next write, so nothing the emulator
    /// accepted before the stop is lost and the file is never cut mid-write. Null kills at once.
    /// </summary>
    public string? StateFile { get; init; }

    /// <summary>The longest a stop waits for <see cref="StateFile"/>.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);
}
