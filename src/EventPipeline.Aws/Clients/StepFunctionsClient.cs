namespace EventPipeline.Aws.Clients;

/// <summary>
/// <see cref="IStepFunctionsClient"/> over JSON 1.0 (<c>AWSStepFunctions.StartExecution</c>, signing name <c>states</c>).
/// A name reused with different input surfaces as <see cref="AwsServiceException"/> with code <c>ExecutionAlreadyExists</c>.
/// </summary>
public sealed class StepFunctionsClient : IStepFunctionsClient, IDisposable
{
    private readonly AwsJsonClient _client;

    /// <summary>Calls <see cref="AwsEndpoints.StepFunctionsEndpoint"/>; share <paramref name="httpClient"/> between clients.</summary>
    public StepFunctionsClient(AwsEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client = new AwsJsonClient(endpoints.StepFunctionsEndpoint, "states", endpoints, httpClient, timeProvider);
    }

    /// <inheritdoc />
    public Task<StartExecutionResult> StartExecutionAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(AwsJsonClient.Json10, "AWSStepFunctions.StartExecution", w =>
        {
            w.WriteStartObject();
            w.WriteString("stateMachineArn", stateMachineArn);
            w.WriteString("name", name);
            w.WriteString("input", inputJson);
            w.WriteEndObject();
        }, root => new StartExecutionResult(
            JsonFields.RequiredString(root, "executionArn"),
            JsonFields.ReadEpochSeconds(JsonFields.Required(root, "startDate"))), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
