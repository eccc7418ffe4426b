using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Aws.Webhooks;

/// <summary>What the source adapters need in a function, from its settings: one HTTP client, the Graph API and its credential.</summary>
public static class AwsSourceDependencies
{
    /// <summary>The adapters' dependencies for a function configured by <paramref name="settings"/>.</summary>
    public static SourceDependencies Create(AwsClients aws, PipelineSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(settings);
        var tokens = settings.GraphTokenPrefix is { } prefix ? new SsmGraphAccessTokens(aws.Ssm, prefix, clock) : null;
        return new SourceDependencies
        {
            HttpClient = aws.Http,
            GraphBaseUrl = settings.GraphBaseUrl,
            GraphAccessToken = tokens is null ? null : tokens.GetAsync,
            Clock = clock,
        };
    }
}
