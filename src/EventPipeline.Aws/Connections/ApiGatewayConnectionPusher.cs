using EventPipeline.Application.Ports;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Connections;

/// <summary><see cref="IConnectionPusher"/> over API Gateway's management API (<c>POST @connections/{id}</c>).</summary>
public sealed class ApiGatewayConnectionPusher(IApiGatewayManagementClient management) : IConnectionPusher
{
    /// <inheritdoc />
    public async Task<PushOutcome> PushAsync(string connectionId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            await management.PostToConnectionAsync(connectionId, payload, cancellationToken);
            return PushOutcome.Delivered;
        }
        catch (GoneException)
        {
            return PushOutcome.Gone;
        }
        catch (AwsServiceException)
        {
            // The client already retried throttling and 5xx with backoff.
            return PushOutcome.Failed;
        }
        catch (HttpRequestException)
        {
            return PushOutcome.Failed;
        }
    }
}
