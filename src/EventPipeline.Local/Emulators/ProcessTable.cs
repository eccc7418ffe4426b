using System.Globalization;

namespace EventPipeline.Local.Emulators;

/// <summary>Reads Linux's /proc to find child processes and whether a PID is still alive (the soak and the fault tests find an emulator to kill with it).</summary>
internal static class ProcessTable
{
    /// <summary>PIDs whose parent is <paramref name="parentPid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid)
    {
        var children = new List<int>();
        foreach (var pid in Pids())
        {
            if (Stat(pid) is { } stat && stat.ParentPid == parentPid)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    /// <summary>Every PID in /proc now.</summary>
    public static IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// The fields of a <c>/proc/&lt;pid&gt;/stat</c> text after its command name (<c>pid (comm) state ppid …</c>: field 0 is
    /// the state). comm may contain spaces and parentheses, so the fields start after the last <c>)</c>.
    /// </summary>
    public static string[] FieldsAfterName(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>True while the PID exists and is not a zombie (a zombie has exited; only its exit status is left).</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' and not 'X' };

    /// <summary>The executable name (comm) of a PID, or null.</summary>
    public static string? NameOf(int pid) => Stat(pid)?.Name;

    private static (string Name, char State, int ParentPid)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var rest = FieldsAfterName(text);
            return (text[(text.IndexOf('(', StringComparison.Ordinal) + 1)..text.LastIndexOf(')')], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
