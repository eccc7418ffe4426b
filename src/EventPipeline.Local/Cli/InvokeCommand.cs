using System.CommandLine;
using System.Text;
using System.Text.Json;
using EventPipeline.Local.Deploy;
using EventPipeline.Local.Functions;

namespace EventPipeline.Local.Cli;

/// <summary>
/// <c>invoke &lt;function&gt; &lt;event.json&gt;</c>, like <c>sam local invoke -e</c>: builds the function in this process
/// through its composition root, with the environment the running stack deployed it with (role credentials, table
/// names, the local AWS endpoint — from <c>.eventpipeline/functions.json</c>), hands it the event JSON as the Runtime API
/// would, and prints the response JSON. Its calls go through the stack's AWS endpoint, so IAM applies as in AWS.
/// </summary>
internal static class InvokeCommand
{
    /// <summary>The functions this verb can run.</summary>
    public static readonly string[] Functions = ["ingest", "publish", "connections", "query", "webhook", "reminders"];

    /// <summary>The file <c>up</c> writes with every deployed function's resolved environment.</summary>
    public static readonly string FunctionsFile = Path.Combine(".eventpipeline", "functions.json");

    public static Command Create(Func<CliStack>? stack = null)
    {
        stack ??= () => CliStack.Load();
        var function = new Argument<string>("function") { Description = "One of: " + string.Join(", ", Functions) };
        function.AcceptOnlyFromAmong(Functions);
        var file = new Argument<FileInfo>("event") { Description = "Event JSON as AWS sends it, e.g. events/aws/kinesis-event.json" };
        var command = new Command("invoke", "Run one function in-process, as deployed by the running stack, with an event JSON file; print its response") { function, file };
        command.SetAction((parse, ct) => CliOutput.RunAsync(parse, async output =>
        {
            var s = stack();
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"event: file '{path.FullName}' not found");
            }

            var json = await File.ReadAllTextAsync(path.FullName, ct);
            // Like sam local invoke: the function's logs on stderr, its response on stdout.
            var response = await InvokeAsync(s, parse.GetValue(function)!, json, parse.InvocationConfiguration.Error, ct);
            await output.WriteLineAsync(response);
            return 0;
        }));
        return command;
    }

    /// <summary>Runs <paramref name="function"/> on <paramref name="eventJson"/>; returns the response as JSON.</summary>
    internal static async Task<string> InvokeAsync(CliStack stack, string function, string eventJson, TextWriter logs, CancellationToken ct)
    {
        var deployed = stack.Functions().FirstOrDefault(f => f.Key == function)
            ?? throw new CliException($"function: the running stack deployed no '{function}' function (see {FunctionsFile})");
        var set = await LocalFunctionSet.CreateAsync([deployed], logs, TimeProvider.System, ct);
        try
        {
            return Encoding.UTF8.GetString(await set.ByKey(function).InvokeJsonAsync(Encoding.UTF8.GetBytes(eventJson), ct));
        }
        catch (LambdaInvocationException ex)
        {
            throw new CliException($"{function}: {ex.ErrorType}: {ex.Message}");
        }
    }

    /// <summary>Writes every function's deployed configuration for later <c>invoke</c>s.</summary>
    public static Task WriteAsync(string repoRoot, IReadOnlyList<DeployedFunction> functions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var records = functions.Select(f => new FunctionRecord(f.LogicalId, f.Key, f.Name, f.Arn, f.Environment, f.Timeout.TotalSeconds, f.MemoryMb)).ToList();
        return File.WriteAllTextAsync(Path.Combine(repoRoot, FunctionsFile), JsonSerializer.Serialize(records, LocalJsonContext.Default.ListFunctionRecord), ct);
    }

    /// <summary>The functions <c>up</c> wrote to <c>.eventpipeline/functions.json</c>.</summary>
    public static IReadOnlyList<DeployedFunction> LoadFunctions(string repoRoot)
    {
        var path = Path.Combine(repoRoot, FunctionsFile);
        if (!File.Exists(path))
        {
            throw new CliException($"functions: {path}: not found; start the local stack first (dotnet run --project src/EventPipeline.Local)");
        }

        var records = JsonSerializer.Deserialize(File.ReadAllText(path), LocalJsonContext.Default.ListFunctionRecord) ?? [];
        return records.Select(r => new DeployedFunction(
            r.LogicalId, r.Key, r.Name, r.Arn, r.Environment, TimeSpan.FromSeconds(r.TimeoutSeconds), r.MemoryMb,
            new Iam.IamPrincipal(r.Name, "", r.Environment.GetValueOrDefault("AWS_ACCESS_KEY_ID", ""), r.Environment.GetValueOrDefault("AWS_SECRET_ACCESS_KEY", ""), []))).ToList();
    }
}

/// <summary>One deployed function as <c>functions.json</c> keeps it.</summary>
public sealed record FunctionRecord(string LogicalId, string Key, string Name, string Arn, IReadOnlyDictionary<string, string> Environment, double TimeoutSeconds, int MemoryMb);
