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
}
