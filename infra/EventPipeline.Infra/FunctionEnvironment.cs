using EventPipeline.Topology;

namespace EventPipeline.Infra;

/// <summary>
/// Names of the environment variables the CDK app sets on the functions. The functions read the same names, so these
/// belong in <c>PipelineTopology</c> (listed in the infra report for the lead to move).
/// </summary>
internal static class FunctionEnvironment
{
    /// <summary>
    /// The Native AOT functions run on <c>provided.al2023</c>, where OpenSSL's default bundle file resolves into the
    /// default certificate directory and .NET loads every CA twice on the first HTTPS call (aws-lambda-dotnet#1621).
    /// The managed dotnet runtime points SSL_CERT_FILE at an empty file; a custom runtime must do it itself. We ship
    /// that empty file next to <c>bootstrap</c> (read-only /var/task), so the CAs come once, from /etc/pki/tls/certs.
    /// </summary>
    public const string SslCertFile = "SSL_CERT_FILE";

    /// <summary>File name of the empty bundle placed next to bootstrap.</summary>
    public const string EmptyCertificatesFileName = "empty-certificates.crt";

    /// <summary>Value of <see cref="SslCertFile"/>: Lambda extracts the code zip into /var/task.</summary>
    public const string EmptyCertificatesPath = "/var/task/" + EmptyCertificatesFileName;

    public const string LogLevel = PipelineTopology.Environment.LogLevel;

    public const string EventsStreamName = PipelineTopology.Environment.EventsStream;

    public const string DeadLetterQueueUrl = PipelineTopology.Environment.DeadLetterQueueUrl;

    /// <summary>https://{api}.execute-api.{region}.amazonaws.com/{stage} — the @connections management endpoint.</summary>
    public const string WebSocketManagementEndpoint = PipelineTopology.Environment.WebSocketManagementEndpoint;

    public const string JwtIssuer = PipelineTopology.Environment.JwtIssuer;

    public const string JwtAudience = PipelineTopology.Environment.JwtAudience;

    public const string WebhookParameterPrefix = PipelineTopology.Environment.WebhookSecretsParameterPrefix;

    public const string StateMachineArn = PipelineTopology.Environment.StateMachineArn;

    /// <summary>Variable naming the physical table of a <c>PipelineTopology.Tables</c> name (the names the functions read).</summary>
    public static string Table(string topologyTableName) => topologyTableName switch
    {
        PipelineTopology.Tables.Aggregates => PipelineTopology.Environment.AggregatesTable,
        PipelineTopology.Tables.Connections => PipelineTopology.Environment.ConnectionsTable,
        PipelineTopology.Tables.Dedup => PipelineTopology.Environment.DedupTable,
        PipelineTopology.Tables.ChangeLog => PipelineTopology.Environment.ChangeLogTable,
        PipelineTopology.Tables.Operations => PipelineTopology.Environment.OperationsTable,
        _ => throw new ArgumentOutOfRangeException(nameof(topologyTableName), topologyTableName, "not a table of PipelineTopology.Tables"),
    };
}

/// <summary>Other names the stacks define once.</summary>
internal static class InfraNames
{
    public const string StatefulStackName = "EventPipeline-Stateful";

    public const string StatelessStackName = "EventPipeline-Stateless";

    /// <summary>WebSocket API stage (part of the management endpoint and of the ManageConnections ARN).</summary>
    public const string WebSocketStageName = "live";

    /// <summary>SSM parameter path holding each source's webhook secret (<c>/eventpipeline/webhooks/{tenant}/{source}</c>).</summary>
    public const string WebhookParameterPrefix = "/eventpipeline/webhooks/";

    /// <summary>Construct-id form of a lower-case name: <c>changelog</c> → <c>Changelog</c>.</summary>
    public static string Pascal(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
