namespace EventPipeline.Aws.Clients;

/// <summary>
/// The API Gateway management API of a WebSocket API (<c>POST/DELETE {endpoint}/@connections/{id}</c>, REST-JSON,
/// signing name <c>execute-api</c>). Our own because AWSSDK.ApiGatewayManagementApi is not served here.
/// </summary>
public interface IApiGatewayManagementClient
{
    /// <summary>Posts data to a connection. Throws <see cref="GoneException"/> on 410, <see cref="AwsServiceException"/> otherwise.</summary>
    Task PostToConnectionAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Closes a connection. A connection already gone is not an error.</summary>
    Task DeleteConnectionAsync(string connectionId, CancellationToken cancellationToken);
}
