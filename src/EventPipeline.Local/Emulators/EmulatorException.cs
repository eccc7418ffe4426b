namespace EventPipeline.Local.Emulators;

/// <summary>
/// An emulator could not be installed or started. The message is one actionable line (what failed and what to do),
/// optionally followed by the tail of the emulator's log.
/// </summary>
public sealed class EmulatorException : Exception
{
    /// <summary>Creates the exception with an actionable message.</summary>
    public EmulatorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an actionable message and the underlying cause.</summary>
    public EmulatorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
