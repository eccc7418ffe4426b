namespace EventPipeline.Lambda;

/// <summary>
/// What a host gives a function's composition root: the function's environment variables, where its log lines and EMF
/// metrics go, and the clock. In AWS that is the process (Lambda sets the variables and ships stdout to CloudWatch);
/// the local stack hosts several functions in one process, each with the environment the template gives it.
/// </summary>
public sealed record FunctionHost
{
    /// <summary>Namespace of the pipeline's EMF metrics.</summary>
    public const string MetricsNamespace = "EventPipeline";

    /// <summary>Reads one of the function's environment variables (null when unset).</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary>Where JSON log lines are written (and EMF lines, unless <see cref="MetricsOutput"/> is set).</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>Where EMF lines are written; null: with the logs, as on Lambda (both go to stdout → CloudWatch).</summary>
    public TextWriter? MetricsOutput { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The Lambda process: its environment, stdout, the system clock.</summary>
    public static FunctionHost Process { get; } = new() { Environment = System.Environment.GetEnvironmentVariable };

    /// <summary>A host over fixed variables (the local stack, tests).</summary>
    public static FunctionHost FromVariables(IReadOnlyDictionary<string, string> variables, TextWriter? output = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new FunctionHost
        {
            Environment = name => variables.TryGetValue(name, out var value) ? value : null,
            Output = output ?? TextWriter.Null,
            Clock = clock ?? TimeProvider.System,
        };
    }

    /// <summary>The function's structured log (level from <c>LOG_LEVEL</c>).</summary>
    public LambdaLog Log() => LambdaLog.FromEnvironment(Output, Clock, Environment);

    /// <summary>The function's EMF metrics, dimension <c>FunctionName</c> = <paramref name="functionKey"/>.</summary>
    public EmfMetrics Metrics(string functionKey) => EmfMetrics.ForFunction(MetricsNamespace, functionKey, MetricsOutput ?? Output, Clock);
}
