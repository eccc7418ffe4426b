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
