using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A resource-based permission on a function (who may invoke it, from where).</summary>
public sealed record DeployedPermission(string FunctionArn, string Action, string Principal, string? SourceArn);
