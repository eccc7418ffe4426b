using EventPipeline.Aws.Clients;

using EventPipeline.Testing;

namespace EventPipeline.Aws.Tests.Clients;

public sealed class StepFunctionsClientTests : IAsyncLifetime
{
    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StartExecutionAsync_Request_SendsJson10AndParsesResult()
    {
        _server.Enqueue(200, """{"executionArn":"arn:aws:states:eu-west-1:1:execution:reminders:r-1","startDate":1.7000000005E9}""", "application/x-amz-json-1.0");
        using var client = new StepFunctionsClient(_server.Endpoints());

        var result = await client.StartExecutionAsync("arn:aws:states:eu-west-1:1:stateMachine:reminders", "r-1", """{"at":"2026-01-01T00:00:00Z"}""", CancellationToken.None);

        Assert.Equal("arn:aws:states:eu-west-1:1:execution:reminders:r-1", result.ExecutionArn);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), result.StartDate);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("AWSStepFunctions.StartExecution", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.0", request.Header("Content-Type"));
        var body = request.Json();
        Assert.Equal("arn:aws:states:eu-west-1:1:stateMachine:reminders", body.GetProperty("stateMachineArn").GetString());
        Assert.Equal("r-1", body.GetProperty("name").GetString());
        Assert.Equal("""{"at":"2026-01-01T00:00:00Z"}""", body.GetProperty("input").GetString());
        FakeAwsServer.AssertSignedFor(request, "states");
    }

    [Fact]
    public async Task StartExecutionAsync_ExecutionAlreadyExists_SurfacesCode()
    {
        _server.Enqueue(400, """{"__type":"com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists","message":"Execution Already Exists: 'arn:...:r-1'"}""", "application/x-amz-json-1.0");
        using var client = new StepFunctionsClient(_server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.StartExecutionAsync("arn:sm", "r-1", "{}", CancellationToken.None));

        Assert.Equal("ExecutionAlreadyExists", error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        Assert.Single(_server.Requests);
    }
}
