using System.Globalization;

namespace EventPipeline.Topology;

/// <summary>
/// The one reader of a function's configuration: the environment variables named in
/// <see cref="PipelineTopology.Environment"/>, which the CDK app sets per function and the local stack takes from the
/// synthesized template. Resource names have no defaults: a variable the template forgot fails the function's cold start
/// with a message naming it, in AWS and locally alike, instead of silently pointing at a default resource.
/// </summary>
public sealed class PipelineSettings
{
    private readonly Func<string, string?> _read;

    private PipelineSettings(Func<string, string?> read) => _read = read;

    /// <summary>Settings read through <paramref name="read"/> (default: the process environment).</summary>
    public static PipelineSettings FromEnvironment(Func<string, string?>? read = null) =>
        new(read ?? System.Environment.GetEnvironmentVariable);

    /// <summary>Settings from a fixed set of variables (the local stack's per-function environment, tests).</summary>
    public static PipelineSettings FromVariables(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new(name => variables.TryGetValue(name, out var value) ? value : null);
    }

    /// <summary>The raw reader, for the AWS client settings that share the same environment (region, credentials, endpoints).</summary>
    public Func<string, string?> Read => _read;

    public string AggregatesTable => Required(PipelineTopology.Environment.AggregatesTable);

    public string ConnectionsTable => Required(PipelineTopology.Environment.ConnectionsTable);

    public string DedupTable => Required(PipelineTopology.Environment.DedupTable);

    public string ChangeLogTable => Required(PipelineTopology.Environment.ChangeLogTable);

    public string OperationsTable => Required(PipelineTopology.Environment.OperationsTable);

    public string EventsStream => Required(PipelineTopology.Environment.EventsStream);

    /// <summary>The SQS queue for dead letters (Ingest, Publish).</summary>
    public string DeadLetterQueueUrl => Required(PipelineTopology.Environment.DeadLetterQueueUrl);

    /// <summary>The WebSocket API's management endpoint (<c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c>).</summary>
    public Uri WebSocketManagementEndpoint => RequiredUrl(PipelineTopology.Environment.WebSocketManagementEndpoint);

    /// <summary>ARN of the reminder state machine.</summary>
    public string StateMachineArn => Required(PipelineTopology.Environment.StateMachineArn);

    public string JwtIssuer => Required(PipelineTopology.Environment.JwtIssuer);

    public string JwtAudience => Required(PipelineTopology.Environment.JwtAudience);

    /// <summary>The issuer's signing keys as a JWKS document; when unset they are found by OpenID Connect discovery.</summary>
    public string? JwtJwks => Optional(PipelineTopology.Environment.JwtJwks);

    /// <summary>An HS256 key (the local stack's dev tokens only).</summary>
    public string? JwtHs256Key => Optional(PipelineTopology.Environment.JwtHs256Key);

    /// <summary>How long after a window closes a late event still goes into it (default 1 h).</summary>
    public TimeSpan GracePeriod => Seconds(PipelineTopology.Environment.GracePeriodSeconds) ?? TimeSpan.FromHours(1);

    /// <summary>How long the change log keeps pushes for resume (default 24 h).</summary>
    public TimeSpan ChangeLogRetention => Seconds(PipelineTopology.Environment.ChangeLogRetentionSeconds) ?? TimeSpan.FromHours(24);

    /// <summary>SSM parameter path prefix of the webhook secrets.</summary>
    public string WebhookSecretsPrefix => Required(PipelineTopology.Environment.WebhookSecretsParameterPrefix);

    /// <summary>Scheme, host and optional prefix providers post to, when it is not <c>https://{domainName}</c>.</summary>
    public string? WebhookPublicBaseUrl => Optional(PipelineTopology.Environment.WebhookPublicBaseUrl);

    /// <summary>The Microsoft Graph API base for the thin <c>graph</c> source (default the public Graph v1.0).</summary>
    public Uri GraphBaseUrl => Optional(PipelineTopology.Environment.GraphBaseUrl) is { } g
        ? new Uri(g.EndsWith('/') ? g : g + "/")
        : new Uri("https://graph.microsoft.com/v1.0/");

    /// <summary>The event bus the Bus function puts changes on.</summary>
    public string EventBusName => Required(PipelineTopology.Environment.EventBusName);

    /// <summary>SSM path prefix of the Graph access tokens, or null (Graph fetches then carry no credential).</summary>
    public string? GraphTokenPrefix => Optional(PipelineTopology.Environment.GraphTokenPrefix);

    /// <summary>A variable that must be set; the message names it and where it comes from.</summary>
    public string Required(string name) => Optional(name)
        ?? throw new InvalidOperationException($"{name} is not set: the function's environment must name it (the CDK app sets it in AWS; the local stack takes it from the synthesized template).");

    /// <summary>A variable that may be unset (null when unset or blank).</summary>
    public string? Optional(string name) => _read(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private Uri RequiredUrl(string name)
    {
        var value = Required(name);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new InvalidOperationException($"{name} must be an absolute http(s) URL, got '{value}'.");
    }

    private TimeSpan? Seconds(string name)
    {
        if (Optional(name) is not { } value)
        {
            return null;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s)
            : throw new InvalidOperationException($"{name} must be a non-negative number of seconds, got '{value}'.");
    }
}
