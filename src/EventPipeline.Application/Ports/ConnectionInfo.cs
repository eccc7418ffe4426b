namespace EventPipeline.Application.Ports;

/// <summary>A WebSocket connection bound to the tenant of the token it presented at $connect.</summary>
public sealed record ConnectionInfo(string ConnectionId, string Tenant, DateTimeOffset ConnectedAt);
