using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Api;
using static EventPipeline.StepFunctions.Local.Tests.Api.ApiCalls;

namespace EventPipeline.StepFunctions.Local.Tests.Api;

/// <summary>
/// The production <see cref="StepFunctionsClient"/> (and the signed JSON client under it) against the API over HTTP:
/// what the Reminders function does against the local AWS endpoint.
/// </summary>
public sealed class StepFunctionsApiOverHttpTests : IAsyncLifetime
{
    private readonly LocalStateMachine _machine = Machine(WaitAnHour);
    private KestrelApiHost _host = null!;
    private AwsEndpoints _endpoints = null!;

    public async Task InitializeAsync()
    {
        _host = await KestrelApiHost.StartAsync(new StepFunctionsApi([_machine]));
        _endpoints = new AwsEndpoints
        {
            Region = "us-east-1",
            Credentials = AwsEndpoints.LocalCredentials(),
            StepFunctions = _host.BaseUrl,
            Retry = new AwsRetryOptions { MaxAttempts = 1 },
        };
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _machine.DisposeAsync();
    }

    [Fact]
    public async Task StartExecution_SameNameSameInputTwice_ReturnsTheSameExecution()
    {
        using var client = new StepFunctionsClient(_endpoints);

        var first = await client.StartExecutionAsync(Arn, "idem-1", """{"a":1}""", CancellationToken.None);
        var second = await client.StartExecutionAsync(Arn, "idem-1", """{"a":1}""", CancellationToken.None);

        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:reminders:idem-1", first.ExecutionArn);
        Assert.Equal(first, second);
        Assert.Equal(first.StartDate.ToUnixTimeMilliseconds(), _machine.DescribeExecution(first.ExecutionArn).StartDate.ToUnixTimeMilliseconds());
        Assert.Single(_machine.ListExecutions());
    }

    [Fact]
    public async Task StartExecution_SameNameDifferentInput_ThrowsExecutionAlreadyExists()
    {
        using var client = new StepFunctionsClient(_endpoints);
        await client.StartExecutionAsync(Arn, "idem-2", """{"a":1}""", CancellationToken.None);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.StartExecutionAsync(Arn, "idem-2", """{"a":2}""", CancellationToken.None));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("ExecutionAlreadyExists", e.ErrorCode);
        Assert.False(e.IsRetryable);
    }

    [Fact]
    public async Task StartExecution_UnknownStateMachine_ThrowsStateMachineDoesNotExist()
    {
        using var client = new StepFunctionsClient(_endpoints);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() =>
            client.StartExecutionAsync("arn:aws:states:us-east-1:123456789012:stateMachine:nope", "x", "{}", CancellationToken.None));

        Assert.Equal("StateMachineDoesNotExist", e.ErrorCode);
    }

    [Fact]
    public async Task StartExecution_RealClient_SendsARequestSignedForStates()
    {
        using var client = new StepFunctionsClient(_endpoints);

        await client.StartExecutionAsync(Arn, "signed", "{}", CancellationToken.None);

        var authorization = Assert.Single(_host.Authorizations);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=local/", authorization, StringComparison.Ordinal);
        Assert.Contains("/us-east-1/states/aws4_request", authorization, StringComparison.Ordinal);
        Assert.Contains("x-amz-target", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeAndStopExecution_SignedJsonClient_RoundTripOverHttp()
    {
        using var client = new StepFunctionsClient(_endpoints);
        using var json = new AwsJsonClient(_host.BaseUrl, StepFunctionsApi.SigningName, _endpoints);
        var start = await client.StartExecutionAsync(Arn, "described", "{}", CancellationToken.None);

        var running = await json.SendJsonAsync(AwsJsonClient.Json10, "AWSStepFunctions.DescribeExecution",
            w => { w.WriteStartObject(); w.WriteString("executionArn", start.ExecutionArn); w.WriteEndObject(); },
            root => root.GetProperty("status").GetString(), CancellationToken.None);
        await json.SendJsonAsync(AwsJsonClient.Json10, "AWSStepFunctions.StopExecution",
            w => { w.WriteStartObject(); w.WriteString("executionArn", start.ExecutionArn); w.WriteEndObject(); },
            root => root.GetProperty("stopDate").GetDecimal(), CancellationToken.None);

        Assert.Equal("RUNNING", running);
        Assert.Equal(ExecutionStatus.Aborted, _machine.DescribeExecution(start.ExecutionArn).Status);
    }

    [Fact]
    public async Task StartExecution_InProcessMessageHandler_AnswersLikeTheSocket()
    {
        using var http = new HttpClient(new StepFunctionsApiMessageHandler(new StepFunctionsApi([_machine])));
        using var client = new StepFunctionsClient(_endpoints with { StepFunctions = new Uri("http://states.in-process/") }, http);
        var first = await client.StartExecutionAsync(Arn, "in-process", """{"a":1}""", CancellationToken.None);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.StartExecutionAsync(Arn, "in-process", """{"a":2}""", CancellationToken.None));

        Assert.Equal(first, await client.StartExecutionAsync(Arn, "in-process", """{"a":1}""", CancellationToken.None));
        Assert.Equal("ExecutionAlreadyExists", e.ErrorCode);
    }
}
