using System.Diagnostics;

namespace EventPipeline.Local.Emulators;

/// <summary>
/// An exclusive lock on a file, held across processes: two local stacks (or a test fixture and a test's child process)
/// that install into the same <c>.emulators/</c> folder, or synthesize into the same cache, at once take turns instead
/// of running two <c>npm install</c>s (or two synths) over each other. On Unix .NET takes the lock with <c>flock(LOCK_EX)</c> when a file is opened with
/// <see cref="FileShare.None"/>; the kernel drops it when the holder exits, however it exits, so a killed installer never
/// leaves the folder locked.
/// </summary>
public sealed class CrossProcessLock : IDisposable
{
    private readonly FileStream _stream;

    private CrossProcessLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Waits until the lock on <paramref name="path"/> is free and takes it. <paramref name="waiting"/> is called once
    /// when another holder makes this one wait.
    /// </summary>
    /// <exception cref="EmulatorException">The lock was not free within <paramref name="timeout"/>.</exception>
    public static async Task<CrossProcessLock> AcquireAsync(string path, TimeSpan timeout, Action<string>? waiting, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var clock = Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
                return new CrossProcessLock(stream, path);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                if (!said)
                {
                    said = true;
                    waiting?.Invoke($"waiting for another process to finish (lock {path}) …");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (IOException ex)
            {
                throw new EmulatorException(
                    $"another process has held the lock '{path}' for over {timeout.TotalMinutes:0} min: stop the other local stack or test run, then run again.",
                    ex);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
