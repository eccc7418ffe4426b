using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Benchmarks;

/// <summary>One cold start measured: process start → first response posted, and the process's peak RSS.</summary>
/// <param name="Elapsed">From Process.Start to the Runtime API receiving the first answer.</param>
/// <param name="PeakRssKb">VmHWM read from /proc while the process was still alive (waiting for its next invocation).</param>
/// <param name="Post">What the function posted for its first invocation.</param>
internal sealed record ColdStart(TimeSpan Elapsed, long PeakRssKb, RuntimePost Post)
{
    /// <summary>Every invocation's answer, in order (the first is <see cref="Post"/>).</summary>
    public IReadOnlyList<RuntimePost> Posts { get; init; } = [];

    /// <summary>What the process wrote to stdout (its JSON log and EMF lines) until it was killed.</summary>
    public IReadOnlyList<string> Stdout { get; init; } = [];

    /// <summary>Process start → first GET /next: runtime start-up plus the function's init (composition root).</summary>
    public TimeSpan Init { get; init; }
}

/// <summary>Starts a function's real bootstrap process (a Native AOT binary, or <c>dotnet X.dll</c>) against a local Runtime API.</summary>
internal static class FunctionProcess
{
    /// <summary>Runs one invocation of <paramref name="payload"/> in a fresh process and kills it after reading its peak RSS.</summary>
    public static Task<ColdStart> RunOnceAsync(
        RuntimeApiServer api, string fileName, string? argument, IReadOnlyDictionary<string, string> environment, byte[] payload, TimeSpan timeout) =>
        RunAsync(api, fileName, argument, environment, [payload], timeout);

    /// <summary>
    /// Runs the invocations of <paramref name="payloads"/> in order in one fresh process (the first cold, the rest warm)
    /// and kills it after reading its peak RSS.
    /// </summary>
    public static async Task<ColdStart> RunAsync(
        RuntimeApiServer api, string fileName, string? argument, IReadOnlyDictionary<string, string> environment, IReadOnlyList<byte[]> payloads, TimeSpan timeout)
    {
        var posted = api.Arm(payloads);
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (argument is not null)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        info.Environment["AWS_LAMBDA_RUNTIME_API"] = api.HostPort;
        info.Environment["AWS_ENDPOINT_URL_SQS"] = $"http://{api.HostPort}";
        var stderr = new StringBuilder();
        var stdout = new List<string>();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stdout)
                {
                    stdout.Add(line);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var done = await Task.WhenAny(posted, process.WaitForExitAsync(), Task.Delay(timeout));
            if (done != posted)
            {
                string err;
                lock (stderr)
                {
                    err = stderr.ToString();
                }

                throw new InvalidOperationException(
                    $"{Path.GetFileName(argument ?? fileName)} did not answer the invocation (exited: {process.HasExited}); stderr:{Environment.NewLine}{Tail(err, 20)}");
            }

            var posts = await posted;
            var post = posts[0];
            // The process is now blocked in GET /next (held by the server), so its high-water mark is final for this invocation.
            var rss = PeakRssKb(process.Id);
            // The log lines are written before the response is posted; give the pipe a moment to deliver them.
            await Task.Delay(50);
            string[] lines;
            lock (stdout)
            {
                lines = [.. stdout];
            }

            return new ColdStart(Stopwatch.GetElapsedTime(started, post.At), rss, post) { Init = Stopwatch.GetElapsedTime(started, post.NextAt), Stdout = lines, Posts = posts };
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    /// <summary>VmHWM (kB) of a live process, from /proc/&lt;pid&gt;/status.</summary>
    public static long PeakRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var digits = new string(line.AsSpan(6).Trim().ToString().TakeWhile(char.IsDigit).ToArray());
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>Whether a posted answer is a well-formed batch response (has a <c>batchItemFailures</c> array) and how many failures it lists.</summary>
    public static (bool Ok, int Failures) ReadBatchResponse(RuntimePost post)
    {
        if (!post.Path.EndsWith("/response", StringComparison.Ordinal))
        {
            return (false, -1);
        }

        try
        {
            using var doc = JsonDocument.Parse(post.Body);
            return doc.RootElement.TryGetProperty("batchItemFailures", out var f) && f.ValueKind == JsonValueKind.Array
                ? (true, f.GetArrayLength())
                : (false, -1);
        }
        catch (JsonException)
        {
            return (false, -1);
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
