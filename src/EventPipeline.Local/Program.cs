using System.CommandLine;

namespace EventPipeline.Local;

/// <summary>The local stack's CLI: <c>up</c> (default) starts everything; other verbs drive a running stack.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("EventPipeline local stack: real emulators, the same functions as in AWS, one machine.");
        var up = UpCommand.Create();
        foreach (var option in up.Options)
        {
            root.Options.Add(option);
        }

        root.Action = up.Action;
        root.Subcommands.Add(up);
        foreach (var verb in CliVerbs.Create())
        {
            root.Subcommands.Add(verb);
        }

        return root.Parse(args).InvokeAsync();
    }
}
