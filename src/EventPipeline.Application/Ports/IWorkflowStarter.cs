namespace EventPipeline.Application.Ports;

/// <summary>Starts executions of the reminder workflow (Step Functions <c>StartExecution</c>).</summary>
public interface IWorkflowStarter
{
    /// <summary>Starts an execution named <paramref name="name"/> with <paramref name="inputJson"/>.</summary>
    /// <returns>The execution ARN, or null when an execution of that name already exists (names are unique per
    /// state machine for 90 days).</returns>
    Task<string?> StartAsync(string name, string inputJson, CancellationToken cancellationToken);

    /// <summary>The ARN an execution of <paramref name="name"/> has.</summary>
    string ExecutionArn(string name);
}
