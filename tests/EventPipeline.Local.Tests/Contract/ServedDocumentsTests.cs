using System.Net;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Contract;

/// <summary>The local stack serves the API contract and the client library as kept in the repository, to anyone, with no tenant data.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class ServedDocumentsTests(LocalStackFixture fx)
{
    [Theory]
    [InlineData(LocalDashboard.OpenApiPath, "docs/api/openapi.json", "application/json")]
    [InlineData(LocalDashboard.AsyncApiPath, "docs/api/asyncapi.json", "application/json")]
    [InlineData(LocalDashboard.ClientPath, "src/eventpipeline-client/eventpipeline-client.js", "text/javascript")]
    public async Task Get_WithoutAnyToken_TheRepositorysFileAsIs(string path, string file, string mediaType)
    {
        using var response = await fx.Http.GetAsync(path.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fx.Stack.RepoRoot, file)), served);
        var text = System.Text.Encoding.UTF8.GetString(served);
        Assert.DoesNotContain(fx.Stack.AdminToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Stack.Endpoints.DemoToken, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docs/api/../../README.md")]
    [InlineData("docs/api/nosuch.json")]
    [InlineData("client/../wwwroot/app.js")]
    public async Task Get_OutsideTheServedFolders_NotFound(string path)
    {
        using var response = await fx.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
