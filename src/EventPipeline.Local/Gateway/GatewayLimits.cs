namespace EventPipeline.Local.Gateway;

/// <summary>
/// API Gateway's WebSocket limits that the local gateway enforces, from the API Gateway quotas page
/// (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html, "Amazon API Gateway quotas for configuring and
/// running a WebSocket API").
/// </summary>
public static class GatewayLimits
{
    /// <summary>Largest WebSocket message, in either direction (and the largest <c>PostToConnection</c> body): 128 KB.</summary>
    public const int MaxMessageBytes = 128 * 1024;

    /// <summary>Largest WebSocket frame: 32 KB.</summary>
    public const int MaxFrameBytes = 32 * 1024;

    /// <summary>Idle connection timeout: 10 minutes without a message either way.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Maximum connection duration: 2 hours.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromHours(2);

    /// <summary>
    /// Messages buffered for one connection before it counts as unable to keep up and is closed (API Gateway does not
    /// publish its buffer; this is the local stack's bound).
    /// </summary>
    public const int OutboundMessages = 1024;

    /// <summary>How long one message may wait for the client's socket before the connection is closed as too slow.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
}
