using System.Collections.Concurrent;
using EventPipeline.Application.Ports;

namespace EventPipeline.Testing;

/// <summary>Records started executions; a name started before answers "already exists", as Step Functions does.</summary>
public sealed class RecordingWorkflowStarter(string stateMachineArn = "arn:aws:states:us-east-1:000000000000:stateMachine:reminders") : IWorkflowStarter
{
    private readonly ConcurrentDictionary<string, string> _started = new(StringComparer.Ordinal);

    /// <summary>Execution name → input JSON of every start.</summary>
    public IReadOnlyDictionary<string, string> Started => _started;

    /// <inheritdoc />
    public Task<string?> StartAsync(string name, string inputJson, CancellationToken cancellationToken) =>
        Task.FromResult(_started.TryAdd(name, inputJson) ? ExecutionArn(name) : null);

    /// <inheritdoc />
    public string ExecutionArn(string name) => stateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + name;
}
