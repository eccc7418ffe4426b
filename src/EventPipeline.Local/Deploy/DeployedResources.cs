using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A Kinesis stream as deployed locally.</summary>
/// <param name="LogicalId">Its logical id in the template.</param>
/// <param name="NameTag">Its <see cref="PipelineTopology.NameTag"/> (e.g. <c>events</c>).</param>
/// <param name="Name">The stream name.</param>
/// <param name="Arn">The stream ARN.</param>
/// <param name="Shards">Shards it was created with.</param>
public sealed record DeployedStream(string LogicalId, string? NameTag, string Name, string Arn, int Shards);

/// <summary>A DynamoDB table as deployed locally.</summary>
public sealed record DeployedTable(string LogicalId, string? NameTag, string Name, string Arn, string? StreamArn, string? TimeToLiveAttribute);

/// <summary>An SQS queue as deployed locally (on moto).</summary>
public sealed record DeployedQueue(string LogicalId, string? NameTag, string Name, string Url, string Arn);

/// <summary>A Lambda function as the template defines it, with its environment resolved to local names and endpoints.</summary>
/// <param name="LogicalId">Its logical id.</param>
/// <param name="Key">Its <see cref="PipelineTopology.NameTag"/> (<c>ingest</c>, <c>publish</c>, …): which composition root hosts it.</param>
/// <param name="Name">The function name.</param>
/// <param name="Arn">The function ARN.</param>
/// <param name="Environment">The template's variables, resolved, plus what Lambda itself sets (region, credentials, name, memory).</param>
/// <param name="Timeout">The function timeout.</param>
/// <param name="MemoryMb">The memory size.</param>
/// <param name="Role">The execution role (its credentials sign the function's calls, and its mappings' reads).</param>
public sealed record DeployedFunction(string LogicalId, string Key, string Name, string Arn, IReadOnlyDictionary<string, string> Environment, TimeSpan Timeout, int MemoryMb, IamPrincipal Role);

/// <summary>An event source mapping as the template defines it.</summary>
public sealed record DeployedEventSourceMapping(
    string LogicalId,
    string FunctionName,
    string EventSourceArn,
    EventSourceMappingSettings Settings,
    string StartingPosition,
    string? OnFailureDestinationArn);

/// <summary>A route of an API: its key, the function its integration invokes, and whether a JWT authorizer guards it.</summary>
/// <param name="RouteKey">e.g. <c>GET /aggregates/metrics</c> or <c>subscribe</c>.</param>
/// <param name="FunctionName">The integration's function.</param>
/// <param name="Jwt">The JWT authorizer's issuer and audiences; null for <c>AuthorizationType: NONE</c>.</param>
public sealed record DeployedRoute(string RouteKey, string FunctionName, JwtAuthorizerSettings? Jwt);

/// <summary>A JWT authorizer's configuration.</summary>
public sealed record JwtAuthorizerSettings(string Issuer, IReadOnlyList<string> Audiences);

/// <summary>An API Gateway v2 API as deployed locally.</summary>
/// <param name="LogicalId">Its logical id.</param>
/// <param name="ApiId">Its id (part of the ARNs the functions' grants name).</param>
/// <param name="Protocol"><c>WEBSOCKET</c> or <c>HTTP</c>.</param>
/// <param name="Stage">Its stage name (WebSocket APIs: part of the management endpoint).</param>
/// <param name="RouteSelectionExpression">WebSocket route selection.</param>
/// <param name="Routes">Its routes.</param>
public sealed record DeployedApi(string LogicalId, string ApiId, string Protocol, string? Stage, string? RouteSelectionExpression, IReadOnlyList<DeployedRoute> Routes);

/// <summary>A Step Functions state machine, its definition resolved (substitutions applied).</summary>
public sealed record DeployedStateMachine(string LogicalId, string Name, string Arn, string Definition, IamPrincipal Role);

/// <summary>A resource-based permission on a function (who may invoke it, from where).</summary>
public sealed record DeployedPermission(string FunctionArn, string Action, string Principal, string? SourceArn);
