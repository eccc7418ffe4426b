using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>An SQS queue as deployed locally (on moto).</summary>
public sealed record DeployedQueue(string LogicalId, string? NameTag, string Name, string Url, string Arn);
