using EventPipeline.Sources.Graph;

namespace EventPipeline.Sources.Tests.Graph;

/// <summary><see cref="GraphHandshake"/>: the subscription validation token in the notification URL.</summary>
public sealed class GraphHandshakeTests
{
    [Theory]
    [InlineData("https://hooks.example/api/webhooks/t/graph?validationToken=Validation%3A%20Testing%20client%20application", "Validation: Testing client application")]
    [InlineData("https://hooks.example/x?a=1&validationToken=abc+def", "abc def")]
    public void TryGetValidationToken_TokenInQuery_ReturnsDecodedToken(string url, string expected)
    {
        Assert.True(GraphHandshake.TryGetValidationToken(url, out var token));
        Assert.Equal(expected, token);
    }

    [Theory]
    [InlineData("https://hooks.example/api/webhooks/t/graph")]
    [InlineData("https://hooks.example/x?validation=1")]
    [InlineData(null)]
    public void TryGetValidationToken_NoToken_ReturnsFalse(string? url)
    {
        Assert.False(GraphHandshake.TryGetValidationToken(url, out _));
    }
}
