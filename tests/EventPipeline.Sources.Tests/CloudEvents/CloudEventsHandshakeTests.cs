using EventPipeline.Sources.CloudEvents;

namespace EventPipeline.Sources.Tests.CloudEvents;

/// <summary><see cref="CloudEventsHandshake"/>: the webhook abuse-protection answer.</summary>
public sealed class CloudEventsHandshakeTests
{
    [Fact]
    public void ResponseHeaders_HandshakeRequest_GrantsOriginAndRate()
    {
        var headers = CloudEventsHandshake.ResponseHeaders(new Dictionary<string, string>
        {
            ["webhook-request-origin"] = "eventemitter.example.com",
            ["webhook-request-rate"] = "120",
        }, allowedRate: "120");

        Assert.NotNull(headers);
        Assert.Equal("eventemitter.example.com", headers["WebHook-Allowed-Origin"]);
        Assert.Equal("120", headers["WebHook-Allowed-Rate"]);
    }

    [Fact]
    public void ResponseHeaders_NoOrigin_ReturnsNull()
    {
        Assert.Null(CloudEventsHandshake.ResponseHeaders(new Dictionary<string, string> { ["content-type"] = "text/plain" }));
    }
}
