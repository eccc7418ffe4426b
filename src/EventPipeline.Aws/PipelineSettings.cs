using System.Globalization;
using EventPipeline.Topology;

namespace EventPipeline.Aws;

/// <summary>
/// Everything a function needs to find its resources. Built from the environment in AWS (the CDK app sets the
/// variables named in <see cref="PipelineTopology.Environment"/>) and directly by the local stack.
/// </summary>
public sealed record PipelineSettings
{
    public string AggregatesTable { get; init; } = PipelineTopology.Tables.Aggregates;

    public string ConnectionsTable { get; init; } = PipelineTopology.Tables.Connections;

    public string DedupTable { get; init; } = PipelineTopology.Tables.Dedup;

    public string ChangeLogTable { get; init; } = PipelineTopology.Tables.ChangeLog;

    public string OperationsTable { get; init; } = PipelineTopology.Tables.Operations;

    public string EventsStream { get; init; } = PipelineTopology.EventsStream;

    /// <summary>SQS queue for dead letters (AWS); null in the local stack, which uses its dead-letter table.</summary>
    public string? DeadLetterQueueUrl { get; init; }

    /// <summary>The WebSocket API's management endpoint (<c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c>).</summary>
    public Uri? WebSocketManagementEndpoint { get; init; }

    public string JwtIssuer { get; init; } = PipelineTopology.Auth.LocalIssuer;

    public string JwtAudience { get; init; } = PipelineTopology.Auth.Audience;

    public string? JwtJwks { get; init; }

    public string? JwtHs256Key { get; init; }

    public string? StateMachineArn { get; init; }

    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan ChangeLogRetention { get; init; } = TimeSpan.FromHours(24);

    public string WebhookSecretsPrefix { get; init; } = "/eventpipeline/webhooks";

    public Uri? GraphBaseUrl { get; init; }

    /// <summary>Reads the variables of <see cref="PipelineTopology.Environment"/>; unset ones keep their defaults.</summary>
    public static PipelineSettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= System.Environment.GetEnvironmentVariable;
        var d = new PipelineSettings();
        string Or(string name, string fallback) => read(name) is { Length: > 0 } v ? v : fallback;
        string? Opt(string name) => read(name) is { Length: > 0 } v ? v : null;
        TimeSpan Seconds(string name, TimeSpan fallback) =>
            read(name) is { Length: > 0 } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : fallback;
        return new PipelineSettings
        {
            AggregatesTable = Or(PipelineTopology.Environment.AggregatesTable, d.AggregatesTable),
            ConnectionsTable = Or(PipelineTopology.Environment.ConnectionsTable, d.ConnectionsTable),
            DedupTable = Or(PipelineTopology.Environment.DedupTable, d.DedupTable),
            ChangeLogTable = Or(PipelineTopology.Environment.ChangeLogTable, d.ChangeLogTable),
            OperationsTable = Or(PipelineTopology.Environment.OperationsTable, d.OperationsTable),
            EventsStream = Or(PipelineTopology.Environment.EventsStream, d.EventsStream),
            DeadLetterQueueUrl = Opt(PipelineTopology.Environment.DeadLetterQueueUrl),
            WebSocketManagementEndpoint = Opt(PipelineTopology.Environment.WebSocketManagementEndpoint) is { } m ? new Uri(m) : null,
            JwtIssuer = Or(PipelineTopology.Environment.JwtIssuer, d.JwtIssuer),
            JwtAudience = Or(PipelineTopology.Environment.JwtAudience, d.JwtAudience),
            JwtJwks = Opt(PipelineTopology.Environment.JwtJwks),
            JwtHs256Key = Opt(PipelineTopology.Environment.JwtHs256Key),
            StateMachineArn = Opt(PipelineTopology.Environment.StateMachineArn),
            GracePeriod = Seconds(PipelineTopology.Environment.GracePeriodSeconds, d.GracePeriod),
            ChangeLogRetention = Seconds(PipelineTopology.Environment.ChangeLogRetentionSeconds, d.ChangeLogRetention),
            WebhookSecretsPrefix = Or(PipelineTopology.Environment.WebhookSecretsParameterPrefix, d.WebhookSecretsPrefix),
            GraphBaseUrl = Opt(PipelineTopology.Environment.GraphBaseUrl) is { } g ? new Uri(g) : null,
        };
    }
}
