using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Aws.Webhooks;

/// <summary>What the source adapters need in a function, from its settings: the HTTP client for calls outside AWS, the Graph API and its credential.</summary>
public static class AwsSourceDependencies
{
    /// <summary>The adapters' dependencies for a function configured by <paramref name="settings"/>.</summary>
    public static SourceDependencies Create(AwsClients aws, PipelineSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(settings);
        // The SSM client is built on the first graph fetch, not at cold start: most batches have none.
        var tokens = settings.GraphTokenPrefix is { } prefix ? new Lazy<SsmGraphAccessTokens>(() => new SsmGraphAccessTokens(aws.Ssm, prefix, clock)) : null;
        return new SourceDependencies
        {
            HttpClient = aws.ExternalHttp,
            GraphBaseUrl = settings.GraphBaseUrl,
            GraphAccessToken = tokens is null ? null : (tenant, ct) => tokens.Value.GetAsync(tenant, ct),
            Clock = clock,
        };
    }
}
