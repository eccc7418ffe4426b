using System.Text.Json;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Query;

namespace EventPipeline.Local.Tests.Observability;

/// <summary>One Query request with its log and EMF output captured.</summary>
[Collection(LocalStackCollection.Name)]
public sealed class QueryTelemetryTests(LocalStackFixture fx)
{
    [Fact]
    public async Task HandleAsync_UnknownEntity_LogsStatusAndTenantButNotTheToken()
    {
        var tenant = LocalStackFixture.NewTenant("q");
        var token = fx.Stack.IssueToken(tenant);
        using var logs = new StringWriter();
        using var emf = new StringWriter();
        var function = QueryComposition.Create(FunctionHost.FromVariables(fx.Stack.Deployment.Function("query").Environment, logs) with { MetricsOutput = emf });
        var request = new APIGatewayHttpApiV2ProxyRequest
        {
            RouteKey = EventPipeline.Topology.PipelineTopology.HttpRoutes.GetEntity,
            RawPath = "/aggregates/entities/order/missing",
            PathParameters = new Dictionary<string, string> { ["kind"] = "order", ["id"] = "missing" },
            Headers = new Dictionary<string, string> { ["authorization"] = "Bearer " + token },
            RequestContext = new APIGatewayHttpApiV2ProxyRequest.ProxyRequestContext
            {
                RequestId = "req-1",
                Http = new APIGatewayHttpApiV2ProxyRequest.HttpDescription { Method = "GET", Path = "/aggregates/entities/order/missing" },
                Authorizer = new APIGatewayHttpApiV2ProxyRequest.AuthorizerDescription
                {
                    Jwt = new APIGatewayHttpApiV2ProxyRequest.JwtDescription { Claims = new() { ["tenant"] = tenant }, Scopes = [] },
                },
            },
        };

        var response = await function.HandleAsync(request, LambdaContext.ForLocal("query", TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.Equal(404, response.StatusCode);
        using var line = JsonDocument.Parse(Assert.Single(logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("query request", line.RootElement.GetProperty("message").GetString());
        Assert.Equal(404, line.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(tenant, line.RootElement.GetProperty("tenant").GetString());
        using var metrics = JsonDocument.Parse(Assert.Single(emf.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(1, metrics.RootElement.GetProperty("Requests").GetDouble());
        Assert.Equal(1, metrics.RootElement.GetProperty("ClientErrors").GetDouble());
        Assert.False(metrics.RootElement.TryGetProperty("ServerErrors", out _));
        Assert.DoesNotContain(token, logs.ToString() + emf.ToString(), StringComparison.Ordinal);
    }
}
