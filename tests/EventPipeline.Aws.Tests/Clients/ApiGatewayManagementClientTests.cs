using EventPipeline.Aws.Clients;

using EventPipeline.Testing;

namespace EventPipeline.Aws.Tests.Clients;

public sealed class ApiGatewayManagementClientTests : IAsyncLifetime
{
    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PostToConnectionAsync_Message_PostsRawBodyToEncodedConnectionPathUnderStage()
    {
        _server.Enqueue(200, "", contentType: null);
        using var client = new ApiGatewayManagementClient(_server.Endpoints(path: "/prod"));

        await client.PostToConnectionAsync("L0SM9cOFvHcCIhw=", """{"channel":"tenant"}"""u8.ToArray(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/prod/@connections/L0SM9cOFvHcCIhw%3D", request.RawTarget);
        Assert.Equal("""{"channel":"tenant"}""", System.Text.Encoding.UTF8.GetString(request.Body));
        Assert.False(request.Headers.ContainsKey("X-Amz-Target"));
        FakeAwsServer.AssertSignedFor(request, "execute-api");
    }

    [Fact]
    public async Task PostToConnectionAsync_Gone_ThrowsGoneExceptionWithoutRetry()
    {
        _server.Enqueue(410, """{"message":null}""", "application/json", ("x-amzn-ErrorType", "GoneException:http://internal.amazon.com/coral/com.amazonaws.gatewaymanagementapi/"));
        using var client = new ApiGatewayManagementClient(_server.Endpoints(path: "/prod"));

        var error = await Assert.ThrowsAsync<GoneException>(() => client.PostToConnectionAsync("abc", "x"u8.ToArray(), CancellationToken.None));

        Assert.Equal("abc", error.ConnectionId);
        Assert.Equal(410, error.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PostToConnectionAsync_Forbidden_ThrowsServiceExceptionWithHeaderCode()
    {
        _server.Enqueue(403, """{"message":"Forbidden"}""", "application/json", ("x-amzn-ErrorType", "ForbiddenException:http://internal.amazon.com/"));
        using var client = new ApiGatewayManagementClient(_server.Endpoints(path: "/prod"));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.PostToConnectionAsync("abc", "x"u8.ToArray(), CancellationToken.None));

        Assert.IsNotType<GoneException>(error);
        Assert.Equal("ForbiddenException", error.ErrorCode);
        Assert.Equal("Forbidden", error.Message.Split(": ")[1]);
    }

    [Fact]
    public async Task DeleteConnectionAsync_Gone_IsNotAnError()
    {
        _server.Enqueue(410, "", contentType: null);
        using var client = new ApiGatewayManagementClient(_server.Endpoints(path: "/prod"));

        await client.DeleteConnectionAsync("abc/def", CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/prod/@connections/abc%2Fdef", request.RawTarget);
        Assert.Empty(request.Body);
        FakeAwsServer.AssertSignedFor(request, "execute-api");
    }

    [Fact]
    public void Constructor_NoManagementEndpoint_ThrowsNamingTheSetting()
    {
        var endpoints = new AwsEndpoints { Region = "eu-west-1", Credentials = AwsEndpoints.LocalCredentials() };

        var error = Assert.Throws<InvalidOperationException>(() => new ApiGatewayManagementClient(endpoints));

        Assert.Contains(EventPipeline.Topology.PipelineTopology.Environment.WebSocketManagementEndpoint, error.Message, StringComparison.Ordinal);
    }
}
