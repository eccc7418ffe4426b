using System.CommandLine;

namespace EventPipeline.Local;

/// <summary>The verbs that drive a running stack (they find it through .eventpipeline/endpoints.json).</summary>
internal static partial class CliVerbs
{
    public static IEnumerable<Command> Create() => [];
}
