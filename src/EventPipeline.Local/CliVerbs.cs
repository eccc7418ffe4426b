using System.CommandLine;

namespace EventPipeline.Local;

/// <summary>The verbs that drive a running stack (they find it through .eventpipeline/endpoints.json).</summary>
internal static class CliVerbs
{
    public static IEnumerable<Command> Create() =>
    [
        // One line per verb (each verb lives in Cli/<Verb>Command.cs).
        Cli.SendCommand.Create(),
        Cli.ReplayCommand.Create(),
        Cli.TailCommand.Create(),
        Cli.InvokeCommand.Create(),
        Cli.OutboxCommand.Create(),
        Cli.DlqCommand.Create(),
        Cli.BusCommand.Create(),
        Cli.LoadCommand.Create(),
        Cli.SoakCommand.Create(),
    ];
}
