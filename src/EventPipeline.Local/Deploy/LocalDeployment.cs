using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>Everything the synthesized templates deployed on this machine, resolved to local names and endpoints.</summary>
public sealed class LocalDeployment
{
    public required IReadOnlyList<DeployedStream> Streams { get; init; }

    /// <summary>Enhanced fan-out consumers (the low-latency Ingest mapping reads through one).</summary>
    public IReadOnlyList<DeployedStreamConsumer> StreamConsumers { get; init; } = [];

    public required IReadOnlyList<DeployedTable> Tables { get; init; }

    public required IReadOnlyList<DeployedQueue> Queues { get; init; }

    /// <summary>The EventBridge buses (on moto).</summary>
    public IReadOnlyList<DeployedEventBus> EventBuses { get; init; } = [];

    public required IReadOnlyList<DeployedFunction> Functions { get; init; }

    public required IReadOnlyList<DeployedEventSourceMapping> EventSourceMappings { get; init; }

    public required IReadOnlyList<DeployedApi> Apis { get; init; }

    public required IReadOnlyList<DeployedStateMachine> StateMachines { get; init; }

    public required IReadOnlyList<DeployedPermission> Permissions { get; init; }

    /// <summary>Every role of the templates (functions' and the state machine's).</summary>
    public required IReadOnlyList<IamPrincipal> Roles { get; init; }

    /// <summary>The stream tagged <paramref name="nameTag"/>.</summary>
    public DeployedStream Stream(string nameTag = PipelineTopology.EventsStream) =>
        Streams.FirstOrDefault(s => s.NameTag == nameTag) ?? throw Missing("stream", nameTag);

    /// <summary>The table tagged <paramref name="nameTag"/>.</summary>
    public DeployedTable Table(string nameTag) => Tables.FirstOrDefault(t => t.NameTag == nameTag) ?? throw Missing("table", nameTag);

    /// <summary>The queue tagged <paramref name="nameTag"/>.</summary>
    public DeployedQueue Queue(string nameTag = PipelineTopology.DeadLetterQueue) =>
        Queues.FirstOrDefault(q => q.NameTag == nameTag) ?? throw Missing("queue", nameTag);

    /// <summary>The function tagged <paramref name="key"/>.</summary>
    public DeployedFunction Function(string key) => Functions.FirstOrDefault(f => f.Key == key) ?? throw Missing("function", key);

    /// <summary>The API of <paramref name="protocol"/> (<c>WEBSOCKET</c> or <c>HTTP</c>).</summary>
    public DeployedApi Api(string protocol) =>
        Apis.FirstOrDefault(a => string.Equals(a.Protocol, protocol, StringComparison.OrdinalIgnoreCase)) ?? throw Missing("API", protocol);

    private static InvalidOperationException Missing(string what, string name) =>
        new($"the synthesized templates have no {what} tagged {PipelineTopology.NameTag}={name}.");
}
