namespace EventPipeline.Local.Deploy;

/// <summary>An EventBridge bus as deployed locally (on moto).</summary>
public sealed record DeployedEventBus(string LogicalId, string Name, string Arn);
