using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A route of an API: its key, the function its integration invokes, and whether a JWT authorizer guards it.</summary>
/// <param name="RouteKey">e.g. <c>GET /aggregates/metrics</c> or <c>subscribe</c>.</param>
/// <param name="FunctionName">The integration's function.</param>
/// <param name="Jwt">The JWT authorizer's issuer and audiences; null for <c>AuthorizationType: NONE</c>.</param>
public sealed record DeployedRoute(string RouteKey, string FunctionName, JwtAuthorizerSettings? Jwt);
