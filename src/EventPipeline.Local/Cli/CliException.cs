namespace EventPipeline.Local.Cli;

/// <summary>A CLI error a person can act on: the verb prints <c>error: {Message}</c> and exits non-zero.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the error.</summary>
    public CliException()
    {
    }

    /// <summary>Creates the error with its one-line message.</summary>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its one-line message and cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
