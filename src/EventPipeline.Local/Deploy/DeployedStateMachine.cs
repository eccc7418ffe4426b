using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>A Step Functions state machine, its definition resolved (substitutions applied).</summary>
public sealed record DeployedStateMachine(string LogicalId, string Name, string Arn, string Definition, IamPrincipal Role);
