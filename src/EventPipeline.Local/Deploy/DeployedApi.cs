using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>An API Gateway v2 API as deployed locally.</summary>
/// <param name="LogicalId">Its logical id.</param>
/// <param name="ApiId">Its id (part of the ARNs the functions' grants name).</param>
/// <param name="Protocol"><c>WEBSOCKET</c> or <c>HTTP</c>.</param>
/// <param name="Stage">Its stage name (WebSocket APIs: part of the management endpoint).</param>
/// <param name="RouteSelectionExpression">WebSocket route selection.</param>
/// <param name="Routes">Its routes.</param>
public sealed record DeployedApi(string LogicalId, string ApiId, string Protocol, string? Stage, string? RouteSelectionExpression, IReadOnlyList<DeployedRoute> Routes);
