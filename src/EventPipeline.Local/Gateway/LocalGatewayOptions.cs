using EventPipeline.Local.Deploy;

namespace EventPipeline.Local.Gateway;

/// <summary>How the local gateway listens and what it checks.</summary>
public sealed record LocalGatewayOptions
{
    /// <summary>Port on 127.0.0.1 (0: any free port).</summary>
    public int Port { get; init; } = 4510;

    /// <summary>Region of the execute-api ARNs.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Account of the execute-api ARNs.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>The HTTP API's JWT authorizer: the token's claims when it is valid for the authorizer's issuer and audience, else null.</summary>
    public required Func<JwtAuthorizerSettings, string?, Task<Dictionary<string, string>?>> Authorize { get; init; }

    /// <summary>Host and Origin rules every request passes first, and the admin token.</summary>
    public required LocalAccess Access { get; init; }

    /// <summary>API Gateway's idle timeout (tests shorten it to see it act).</summary>
    public TimeSpan IdleTimeout { get; init; } = GatewayLimits.IdleTimeout;

    /// <summary>API Gateway's maximum connection duration.</summary>
    public TimeSpan ConnectionLifetime { get; init; } = GatewayLimits.ConnectionLifetime;

    /// <summary>Diagnostics.</summary>
    public Action<string>? Log { get; init; }
}
