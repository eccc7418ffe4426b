using System.Net;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// <see cref="IApiGatewayManagementClient"/> over REST: <c>POST</c>/<c>DELETE {endpoint}/@connections/{id}</c> with the
/// raw message as body, signed for <c>execute-api</c>. The endpoint includes the stage, e.g.
/// <c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c>.
/// </summary>
public sealed class ApiGatewayManagementClient : IApiGatewayManagementClient, IDisposable
{
    // API Gateway forwards the bytes as one WebSocket message; the SDK sends them as an opaque blob too.
    private const string BodyContentType = "application/octet-stream";
    private readonly AwsJsonClient _client;

    /// <summary>Calls <see cref="AwsEndpoints.ExecuteApiEndpoint"/>; share <paramref name="httpClient"/> between clients.</summary>
    public ApiGatewayManagementClient(AwsEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client = new AwsJsonClient(endpoints.ExecuteApiEndpoint, "execute-api", endpoints, httpClient, timeProvider);
    }

    /// <inheritdoc />
    public async Task PostToConnectionAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendRestAsync(HttpMethod.Post, ConnectionPath(connectionId), data, BodyContentType, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.StatusCode == (int)HttpStatusCode.Gone)
        {
            throw new GoneException(connectionId);
        }
    }

    /// <inheritdoc />
    public async Task DeleteConnectionAsync(string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendRestAsync(HttpMethod.Delete, ConnectionPath(connectionId), ReadOnlyMemory<byte>.Empty, contentType: null, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.StatusCode == (int)HttpStatusCode.Gone)
        {
            // Already disconnected: the goal of the call holds.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    // Connection ids are base64-like ("L0SM9cOFvHcCIhw="): '=' and '/' must be percent-encoded in the path segment.
    private static string ConnectionPath(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        return "/@connections/" + Uri.EscapeDataString(connectionId);
    }
}
