namespace EventPipeline.Local.Tests.Emulators;

/// <summary>A fact that runs only on Linux (it reads /proc or relies on the Unix watchdog).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: reads /proc";
        }
    }
}

/// <summary>
/// A fact that installs and starts the real emulators (npm registry, node, java, ~10 s): runs only when
/// <c>EVENTPIPELINE_EMULATOR_TESTS=1</c>, and only on Linux.
/// </summary>
public sealed class EmulatorFactAttribute : FactAttribute
{
    public const string Variable = "EVENTPIPELINE_EMULATOR_TESTS";

    public EmulatorFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Set {Variable}=1 to install and start the real emulators";
        }
        else if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: reads /proc";
        }
    }
}
