using EventPipeline.Aws.Clients;

using EventPipeline.Testing;

namespace EventPipeline.Aws.Tests.Clients;

/// <summary>What the shared signed client does for every protocol: here the Query protocol's XML errors (SNS).</summary>
public sealed class AwsJsonClientTests : IAsyncLifetime
{
    private const string InvalidParameter = """
        <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: PhoneNumber</Message></Error>
          <RequestId>r-1</RequestId>
        </ErrorResponse>
        """;

    private FakeAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SendRestAsync_QueryProtocolXmlError_MapsCodeAndMessageWithoutRetry()
    {
        _server.Enqueue(400, InvalidParameter, "text/xml");
        using var client = new AwsJsonClient(_server.BaseUri, "sns", _server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => SendFormAsync(client));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("InvalidParameter", error.ErrorCode);
        Assert.EndsWith("Invalid parameter: PhoneNumber", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task SendRestAsync_QueryProtocolThrottling_IsRetried()
    {
        _server.Enqueue(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>", "text/xml");
        _server.Enqueue(200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>", "text/xml");
        using var client = new AwsJsonClient(_server.BaseUri, "sns", _server.Endpoints());

        var response = await SendFormAsync(client);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task SendRestAsync_HtmlErrorPage_KeepsTheStatusAsTheCode()
    {
        _server.Enqueue(502, "<html><body>Bad Gateway</body></html>", "text/html");
        _server.Enqueue(502, "<html><body>Bad Gateway</body></html>", "text/html");
        _server.Enqueue(502, "<html><body>Bad Gateway</body></html>", "text/html");
        using var client = new AwsJsonClient(_server.BaseUri, "sns", _server.Endpoints());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => SendFormAsync(client));

        Assert.Equal("Http502", error.ErrorCode);
    }

    private static Task<AwsResponse> SendFormAsync(AwsJsonClient client) =>
        client.SendRestAsync(HttpMethod.Post, "/", "Action=Publish&Version=2010-03-31&Message=hi"u8.ToArray(), "application/x-www-form-urlencoded; charset=utf-8", CancellationToken.None);
}
