using EventPipeline.Application.Connections;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;
using EventPipeline.Topology;

namespace EventPipeline.Connections;

/// <summary>Builds the Connections function once per cold start (AWS) or once per local stack.</summary>
public static class ConnectionsComposition
{
    /// <summary>The function's key (EMF dimension).</summary>
    public const string FunctionKey = "connections";

    /// <summary>Token settings from the pipeline settings: a JWKS document in AWS, the HS256 dev key locally.</summary>
    public static TokenSettings Tokens(PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.JwtJwks is { } jwks)
        {
            return TokenSettings.FromJwks(settings.JwtIssuer, settings.JwtAudience, jwks);
        }

        if (settings.JwtHs256Key is { } key)
        {
            return TokenSettings.Hs256(settings.JwtIssuer, settings.JwtAudience, TenantTokenValidator.KeyBytes(key));
        }

        throw new InvalidOperationException("JWT_JWKS or JWT_HS256_KEY: one is required to verify tokens at $connect");
    }

    /// <summary>
    /// Token settings for AWS: the configured JWKS or dev key, else the issuer's keys found by OpenID Connect discovery
    /// (<c>{issuer}/.well-known/openid-configuration</c> → <c>jwks_uri</c>), fetched once per cold start — the same keys the
    /// HTTP API's JWT authorizer trusts.
    /// </summary>
    public static async Task<TokenSettings> DiscoverTokensAsync(PipelineSettings settings, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(http);
        if (settings.JwtJwks is not null || settings.JwtHs256Key is not null)
        {
            return Tokens(settings);
        }

        var discovery = new Uri(settings.JwtIssuer.TrimEnd('/') + "/.well-known/openid-configuration");
        using var config = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(discovery, cancellationToken));
        if (!config.RootElement.TryGetProperty("jwks_uri", out var jwksUri) || jwksUri.GetString() is not { } uri)
        {
            throw new InvalidOperationException($"JWT_ISSUER: {discovery} has no jwks_uri");
        }

        return TokenSettings.FromJwks(settings.JwtIssuer, settings.JwtAudience, await http.GetStringAsync(new Uri(uri), cancellationToken));
    }

    /// <summary>
    /// Reads <c>CONNECTIONS_TABLE</c>, <c>CHANGELOG_TABLE</c>, <c>WEBSOCKET_MANAGEMENT_ENDPOINT</c>, the token settings
    /// (<c>JWT_ISSUER</c>, <c>JWT_AUDIENCE</c>, and <c>JWT_JWKS</c> or <c>JWT_HS256_KEY</c>, else OpenID Connect discovery
    /// of the issuer's keys) and the AWS client settings, and wires the function.
    /// </summary>
    public static async Task<ConnectionsFunction> CreateAsync(FunctionHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment) with { ExecuteApi = settings.WebSocketManagementEndpoint });
        var tokens = await DiscoverTokensAsync(settings, aws.Http, cancellationToken);
        var sessions = new ConnectionSessions(
            new TenantTokenValidator(tokens),
            new DynamoConnectionStore(aws.DynamoDb, settings.ConnectionsTable, host.Clock),
            new DynamoChangeLog(aws.DynamoDb, settings.ChangeLogTable, host.Clock, settings.ChangeLogRetention),
            new ApiGatewayConnectionPusher(aws.Management),
            host.Clock);
        return new ConnectionsFunction(sessions, host.Log(), host.Metrics(FunctionKey));
    }
}
