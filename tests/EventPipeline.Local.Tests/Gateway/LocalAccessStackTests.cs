using System.Net;
using EventPipeline.Local.Tests.Integration;

namespace EventPipeline.Local.Tests.Gateway;

/// <summary>The same rules on the running stack: the gateway's routes and the local AWS endpoint.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class LocalAccessStackTests(LocalStackFixture fx)
{
    [Theory]
    [InlineData("dead-letters")]
    [InlineData("outbox")]
    [InlineData("dev/token?tenant=acme")]
    public async Task AdminRoute_WithoutOrWithAWrongToken_401_WithTheAdminToken_200(string route)
    {
        using (var anonymous = await fx.Http.GetAsync(route))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.DoesNotContain("acme", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var tenantToken = new HttpRequestMessage(HttpMethod.Get, route))
        {
            // A tenant's own token is not the admin token.
            tenantToken.Headers.Authorization = new("Bearer", fx.Stack.IssueToken("acme"));
            using var response = await fx.Http.SendAsync(tenantToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var admin = fx.Stack.Endpoints.AdminGet(route);
        using var allowed = await fx.Http.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task EndpointsJson_OverHttp_HoldsNoTokenAndNoKey()
    {
        var body = await fx.Http.GetStringAsync("endpoints.json");

        Assert.Contains(fx.Stack.Endpoints.WebSocketUrl, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Stack.AdminToken, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Stack.Endpoints.DemoToken, body, StringComparison.Ordinal);
        Assert.DoesNotContain(fx.Stack.Endpoints.AccessKeyId, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aggregates/metrics")]
    [InlineData("endpoints.json")]
    [InlineData("dashboard/app.js")]
    [InlineData("ws")]
    public async Task Gateway_ForeignHostHeader_421(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "rebound.evil.example";
        request.Headers.Authorization = new("Bearer", fx.Stack.IssueToken("acme"));

        using var response = await fx.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task AwsEndpoint_ForeignHostHeader_421()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, fx.Stack.Edge.BaseUrl);
        request.Headers.Host = "rebound.evil.example";
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={fx.Stack.Endpoints.AccessKeyId}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.ListTables");
        request.Content = new StringContent("{}");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task WebSocket_ForeignOrigin_403_LoopbackOrigin_Accepted()
    {
        var token = fx.Stack.IssueToken(LocalStackFixture.NewTenant("o"));

        Assert.Equal(403, await fx.ConnectStatusAsync(token, origin: "https://evil.example"));
        Assert.Equal(0, await fx.ConnectStatusAsync(token, origin: fx.Stack.Endpoints.DashboardUrl.TrimEnd('/')));
    }
}
