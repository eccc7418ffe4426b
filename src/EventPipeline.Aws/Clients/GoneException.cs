namespace EventPipeline.Aws.Clients;

/// <summary>410 Gone from PostToConnection: the connection no longer exists.</summary>
public sealed class GoneException(string connectionId)
    : AwsServiceException(410, "GoneException", $"connection {connectionId} is gone")
{
    public string ConnectionId { get; } = connectionId;
}
