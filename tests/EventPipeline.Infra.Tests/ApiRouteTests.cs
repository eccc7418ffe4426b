using EventPipeline.Topology;

namespace EventPipeline.Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class ApiRouteTests(InfraFixture fixture)
{
    [Fact]
    public void WebSocketApi_Routes_EqualTopologyRoutes()
    {
        var routeKeys = RoutesOf(fixture.WebSocketApiId).Select(r => r.RouteKey).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(PipelineTopology.WebSocketRoutes.All.Order(StringComparer.Ordinal).ToList(), routeKeys);
    }

    [Fact]
    public void WebSocketApi_Always_UsesTopologyRouteSelectionExpression()
    {
        var api = InfraFixture.Resources(fixture.StatelessJson, "AWS::ApiGatewayV2::Api").Single(a => a.Id == fixture.WebSocketApiId).Properties;

        Assert.Equal("WEBSOCKET", (string?)api["ProtocolType"]);
        Assert.Equal(PipelineTopology.WebSocketRoutes.RouteSelectionExpression, (string?)api["RouteSelectionExpression"]);
    }

    [Fact]
    public void HttpApi_Routes_EqualTopologyRoutes()
    {
        var expected = PipelineTopology.HttpRoutes.Query.Concat(PipelineTopology.HttpRoutes.Webhook).Concat(PipelineTopology.HttpRoutes.Reminders);

        var routeKeys = RoutesOf(fixture.HttpApiId).Select(r => r.RouteKey).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal).ToList(), routeKeys);
    }

    [Fact]
    public void HttpApi_QueryAndReminderRoutes_RequireJwt()
    {
        var routes = RoutesOf(fixture.HttpApiId).ToDictionary(r => r.RouteKey);

        foreach (var key in PipelineTopology.HttpRoutes.Query.Concat(PipelineTopology.HttpRoutes.Reminders))
        {
            Assert.Equal("JWT", routes[key].AuthorizationType);
        }
    }

    [Fact]
    public void HttpApi_WebhookRoutes_HaveNoAuthorizer()
    {
        var routes = RoutesOf(fixture.HttpApiId).ToDictionary(r => r.RouteKey);

        foreach (var key in PipelineTopology.HttpRoutes.Webhook)
        {
            Assert.True(routes[key].AuthorizationType is null or "NONE", key);
        }
    }

    [Fact]
    public void JwtAuthorizer_IssuerContext_UsesItWithTopologyAudienceAndAuthorizationHeader()
    {
        var authorizer = Assert.Single(InfraFixture.Resources(fixture.StatelessJson, "AWS::ApiGatewayV2::Authorizer").ToList()).Properties;

        Assert.Equal("JWT", (string?)authorizer["AuthorizerType"]);
        Assert.Equal(PipelineTopology.Auth.Audience, (string?)authorizer["JwtConfiguration"]!["Audience"]![0]);
        Assert.Equal(InfraFixture.Issuer, (string?)authorizer["JwtConfiguration"]!["Issuer"]);
        Assert.Equal("$request.header.Authorization", (string?)authorizer["IdentitySource"]![0]);
    }

    private IEnumerable<(string RouteKey, string? AuthorizationType)> RoutesOf(string apiId) =>
        InfraFixture.Resources(fixture.StatelessJson, "AWS::ApiGatewayV2::Route")
            .Where(r => (string?)r.Properties["ApiId"]!["Ref"] == apiId)
            .Select(r => ((string)r.Properties["RouteKey"]!, (string?)r.Properties["AuthorizationType"]));
}
