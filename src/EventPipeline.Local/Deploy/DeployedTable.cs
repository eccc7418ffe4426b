using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A DynamoDB table as deployed locally.</summary>
public sealed record DeployedTable(string LogicalId, string? NameTag, string Name, string Arn, string? StreamArn, string? TimeToLiveAttribute);
