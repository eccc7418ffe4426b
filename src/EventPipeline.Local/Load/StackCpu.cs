using System.Globalization;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Load;

/// <summary>
/// Where the machine's cores go during a <c>load</c> phase: the CPU time of each part of the local stack, each found as
/// the process listening on its loopback port (Linux <c>/proc</c>: the socket's inode in <c>/proc/net/tcp*</c>, then the
/// process holding it), beside the machine's busy time from <c>/proc/stat</c>. On two cores the emulators, the functions
/// and the load's own clients share the same CPU, so a phase's events per second are bounded by the CPU one event costs
/// in all of them together; <see cref="CpuSplit"/> says how much that is and which part spends it.
/// </summary>
public sealed class StackCpu
{
    /// <summary>Linux reports process CPU in clock ticks of USER_HZ, which is 100 on every ABI .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The kernel's tables of IPv4 and IPv6 TCP sockets.</summary>
    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    private readonly IReadOnlyList<(string Name, int Port)> _parts;

    private StackCpu(IReadOnlyList<(string Name, int Port)> parts) => _parts = parts;

    /// <summary>The parts of the stack at <paramref name="endpoints"/>, by the port each listens on; null off Linux.</summary>
    public static StackCpu? For(LocalEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        static int Port(string url) => new Uri(url).Port;
        return new StackCpu(
        [
            ("kinesis-mock", Port(endpoints.KinesisEndpoint)),
            ("DynamoDB Local", Port(endpoints.DynamoDbEndpoint)),
            ("moto", Port(endpoints.MotoEndpoint)),
            ("stack host (functions, gateway, AWS edge)", Port(endpoints.AwsEndpoint)),
        ]);
    }

    /// <summary>Cumulative CPU seconds of each part (and of this process) and of the machine, now.</summary>
    public CpuSample Sample()
    {
        var pids = ListeningPids(_parts.Select(p => p.Port).ToHashSet());
        var parts = new List<PartCpu>(_parts.Count + 1);
        foreach (var (name, port) in _parts)
        {
            var pid = pids.GetValueOrDefault(port);
            parts.Add(new PartCpu(name, pid, pid == 0 ? 0 : ProcessSeconds(pid)));
        }

        parts.Add(new PartCpu("load (this client)", Environment.ProcessId, ProcessSeconds(Environment.ProcessId)));
        var (busy, total) = MachineSeconds(File.ReadLines("/proc/stat").First());
        return new CpuSample(DateTimeOffset.UtcNow, parts, busy, total);
    }

    /// <summary>
    /// The busy and total CPU seconds of the machine from the first line of <c>/proc/stat</c>
    /// (<c>cpu user nice system idle iowait irq softirq steal …</c>, in USER_HZ ticks); busy is all but idle and iowait.
    /// </summary>
    public static (double Busy, double Total) MachineSeconds(string cpuLine)
    {
        ArgumentNullException.ThrowIfNull(cpuLine);
        var f = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu")
        {
            throw new FormatException($"not the aggregate cpu line of /proc/stat: {cpuLine}");
        }

        double Ticks(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        var idle = Ticks(4) + Ticks(5);
        var busy = Ticks(1) + Ticks(2) + Ticks(3) + Ticks(6) + Ticks(7) + Ticks(8);
        return (busy / TicksPerSecond, (busy + idle) / TicksPerSecond);
    }

    /// <summary>
    /// The socket inodes listening on each of <paramref name="ports"/> in the text of <c>/proc/net/tcp</c> or
    /// <c>/proc/net/tcp6</c> (<c>sl local_address rem_address st … inode</c>, addresses as hex <c>IP:PORT</c>, state
    /// <c>0A</c> = LISTEN).
    /// </summary>
    public static IReadOnlyDictionary<long, int> ListeningInodes(IEnumerable<string> tcpTableLines, IReadOnlySet<int> ports)
    {
        ArgumentNullException.ThrowIfNull(tcpTableLines);
        ArgumentNullException.ThrowIfNull(ports);
        var byInode = new Dictionary<long, int>();
        foreach (var line in tcpTableLines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[3] != "0A")
            {
                continue; // the header line, or a socket that is not listening
            }

            var colon = f[1].LastIndexOf(':');
            if (colon > 0
                && int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port)
                && ports.Contains(port)
                && long.TryParse(f[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) && inode != 0)
            {
                byInode[inode] = port;
            }
        }

        return byInode;
    }

    /// <summary>The PID listening on each of <paramref name="ports"/> (a port nobody listens on is left out).</summary>
    public static IReadOnlyDictionary<int, int> ListeningPids(IReadOnlySet<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var lines = TcpTables.Where(File.Exists).SelectMany(File.ReadLines).ToList();
        var inodes = ListeningInodes(lines, ports);
        var pids = new Dictionary<int, int>();
        if (inodes.Count == 0)
        {
            return pids;
        }

        foreach (var pid in ProcessTable.Pids())
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    // A socket's link reads "socket:[<inode>]".
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                        && inodes.TryGetValue(inode, out var port))
                    {
                        pids.TryAdd(port, pid);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that exited meanwhile, or one whose descriptors are not ours to read.
            }
        }

        return pids;
    }

    /// <summary>User plus system CPU seconds of <paramref name="pid"/> so far (0 once it is gone).</summary>
    public static double ProcessSeconds(int pid)
    {
        try
        {
            return ProcessSecondsOf(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// User plus system CPU seconds from the text of <c>/proc/&lt;pid&gt;/stat</c>: utime and stime are its 14th and 15th
    /// fields (<see cref="ProcessTable.FieldsAfterName"/>).
    /// </summary>
    public static double ProcessSecondsOf(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var rest = ProcessTable.FieldsAfterName(stat);
        return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}

/// <summary>One part's cumulative CPU seconds.</summary>
/// <param name="Name">The part of the stack.</param>
/// <param name="Pid">The process listening on its port (0: none found).</param>
/// <param name="Seconds">User plus system CPU seconds since the process started.</param>
public sealed record PartCpu(string Name, int Pid, double Seconds);

/// <summary>A moment's cumulative CPU seconds: per part and the machine's busy and total (all cores).</summary>
public sealed record CpuSample(DateTimeOffset At, IReadOnlyList<PartCpu> Parts, double MachineBusy, double MachineTotal);

/// <summary>
/// CPU between two samples: per part (a process that changed PID meanwhile, e.g. an emulator the watchdog restarted, is
/// counted from its new start), the machine's busy cores, and per event.
/// </summary>
public sealed record CpuSplit(TimeSpan Span, IReadOnlyList<(string Name, double Seconds, bool Restarted)> Parts, double MachineBusySeconds, double Cores)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The split from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static CpuSplit Between(CpuSample from, CpuSample to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var parts = to.Parts.Select(p =>
        {
            var before = from.Parts.FirstOrDefault(b => b.Name == p.Name);
            var same = before is not null && before.Pid == p.Pid;
            return (p.Name, same ? p.Seconds - before!.Seconds : p.Seconds, !same && before is { Pid: not 0 });
        }).ToList();
        var cores = (to.MachineTotal - from.MachineTotal) / Math.Max(1e-9, (to.At - from.At).TotalSeconds);
        return new CpuSplit(to.At - from.At, parts, to.MachineBusy - from.MachineBusy, Math.Round(cores));
    }

    /// <summary>
    /// The table for a phase of <paramref name="events"/> events, and what the machine could hold at this CPU per event
    /// (its cores divided by the busy CPU seconds per event) beside the <paramref name="askedPerSecond"/> the phase put at.
    /// </summary>
    public void Write(TextWriter output, string phase, long events, double askedPerSecond)
    {
        ArgumentNullException.ThrowIfNull(output);
        var seconds = Math.Max(1e-9, Span.TotalSeconds);
        var n = Math.Max(1, events);
        output.WriteLine(string.Format(Inv, "cpu over the {0} phase ({1:F0} s, {2:N0} events): the machine busy {3:F2} of {4} cores", phase, seconds, events, MachineBusySeconds / seconds, Cores));
        output.WriteLine(string.Format(Inv, "  {0,-44} {1,6} {2,6} {3,14}", "part", "cores", "share", "CPU ms/event"));
        foreach (var (name, cpu, restarted) in Parts)
        {
            output.WriteLine(string.Format(Inv, "  {0,-44} {1,6:F2} {2,6:P0} {3,14:F2}{4}", name, cpu / seconds, cpu / Math.Max(1e-9, MachineBusySeconds), 1000 * cpu / n, restarted ? "  (restarted meanwhile: counted from its new start)" : ""));
        }

        // Process and machine times are both counted in ticks, read a moment apart: on a quiet machine the parts can
        // add up to a little more than the machine's busy time. What is left is never less than nothing.
        var other = Math.Max(0, MachineBusySeconds - Parts.Sum(p => p.Seconds));
        output.WriteLine(string.Format(Inv, "  {0,-44} {1,6:F2} {2,6:P0} {3,14:F2}", "everything else (kernel, other processes)", other / seconds, other / Math.Max(1e-9, MachineBusySeconds), 1000 * other / n));
        var most = MostEventsPerSecond(events);
        output.WriteLine(string.Format(Inv, "  at {0:F2} ms of CPU per event the machine's {1} cores hold at most {2:N0} events/s; the phase asked for {3:N0}/s{4}",
            1000 * MachineBusySeconds / n, Cores, most, askedPerSecond, askedPerSecond > most ? string.Format(Inv, " ({0:F1}× that)", askedPerSecond / most) : ""));
    }

    /// <summary>Events per second the machine's cores could hold at this phase's CPU per event.</summary>
    public double MostEventsPerSecond(long events) => MachineBusySeconds <= 0 ? double.PositiveInfinity : Cores * Math.Max(1, events) / MachineBusySeconds;
}
