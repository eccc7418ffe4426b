using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>An event source mapping as the template defines it.</summary>
public sealed record DeployedEventSourceMapping(
    string LogicalId,
    string FunctionName,
    string EventSourceArn,
    EventSourceMappingSettings Settings,
    string StartingPosition,
    string? OnFailureDestinationArn);
