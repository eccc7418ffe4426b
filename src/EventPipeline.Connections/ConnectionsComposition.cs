using Amazon.DynamoDBv2;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Connections;
using EventPipeline.Lambda;

namespace EventPipeline.Connections;

/// <summary>Builds the Connections function once per cold start (AWS) or once per local stack.</summary>
public static class ConnectionsComposition
{
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

    /// <summary>Wires <see cref="ConnectionsFunction"/>.</summary>
    /// <param name="settings">Tables and token settings.</param>
    /// <param name="dynamo">DynamoDB client.</param>
    /// <param name="management">The WebSocket API's @connections client.</param>
    /// <param name="clock">Clock.</param>
    /// <param name="log">Structured log; Lambda's default (JSON on stdout, LOG_LEVEL) when null.</param>
    /// <param name="metrics">EMF metrics; stdout, namespace EventPipeline, FunctionName connections when null.</param>
    /// <param name="tokens">Where tokens are verified; from <paramref name="settings"/> (JWKS or dev key) when null.</param>
    public static ConnectionsFunction Create(PipelineSettings settings, IAmazonDynamoDB dynamo, IApiGatewayManagementClient management, TimeProvider clock, LambdaLog? log = null, EmfMetrics? metrics = null, TokenSettings? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ConnectionsFunction(
            new TenantTokenValidator(tokens ?? Tokens(settings)),
            new DynamoConnectionStore(dynamo, settings.ConnectionsTable, clock),
            new DynamoChangeLog(dynamo, settings.ChangeLogTable, clock, settings.ChangeLogRetention),
            management,
            clock,
            log ?? LambdaLog.FromEnvironment(clock: clock),
            metrics ?? EmfMetrics.ForFunction("EventPipeline", "connections", clock: clock));
    }
}
