namespace EventPipeline.Local;

/// <summary>How to run the local stack. Every port has a default and can be overridden (0 = any free port).</summary>
public sealed record LocalStackOptions
{
    /// <summary>Repository root (found by walking up to EventPipeline.sln when null).</summary>
    public string? RepoRoot { get; init; }

    /// <summary>
    /// A synthesized cloud assembly (a <c>cdk.out</c> folder) to deploy as given (<c>up --template</c>); null synthesizes
    /// the CDK app (cached by a hash of its inputs).
    /// </summary>
    public string? TemplateDirectory { get; init; }

    /// <summary>The local AWS endpoint's port (every service, SigV4 and IAM checked).</summary>
    public int AwsPort { get; init; } = 4599;

    /// <summary>kinesis-mock's plain-HTTP port.</summary>
    public int KinesisPort { get; init; } = 4568;

    /// <summary>DynamoDB Local's port.</summary>
    public int DynamoDbPort { get; init; } = 8000;

    /// <summary>moto_server's port.</summary>
    public int MotoPort { get; init; } = 4576;

    /// <summary>The local API Gateway (WebSocket, REST, webhooks, dashboard) port.</summary>
    public int GatewayPort { get; init; } = 4510;

    /// <summary>Region of every ARN and signature.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Account of every ARN.</summary>
    public string AccountId { get; init; } = "000000000000";

    /// <summary>Shards of the events stream, overriding the template (null: its ShardCount, or 4 for on-demand as in AWS).</summary>
    public int? Shards { get; init; }

    /// <summary>Tenant of the demo token.</summary>
    public string DemoTenant { get; init; } = "demo";

    /// <summary>HS256 key for local tokens; null uses the key kept in <c>.eventpipeline/</c> (created once).</summary>
    public string? JwtKey { get; init; }

    /// <summary>Keep every emulator's data in memory (<c>up --in-memory</c>); by default it persists under <c>.eventpipeline/data</c>.</summary>
    public bool InMemory { get; init; }

    /// <summary>Delete the persisted data before starting (<c>up --fresh</c>).</summary>
    public bool Fresh { get; init; }

    /// <summary>
    /// Already-running emulators to use instead of starting our own (e.g. a LocalStack container): Kinesis, DynamoDB and
    /// the services moto serves (SQS, SSM, SES, SNS, EventBridge) are forwarded there by the local AWS endpoint.
    /// </summary>
    public Uri? ExternalKinesisEndpoint { get; init; }

    /// <summary>See <see cref="ExternalKinesisEndpoint"/>.</summary>
    public Uri? ExternalDynamoDbEndpoint { get; init; }

    /// <summary>See <see cref="ExternalKinesisEndpoint"/>.</summary>
    public Uri? ExternalMotoEndpoint { get; init; }

    /// <summary>Workflow time scale: 1 is real time, 0.01 makes a 100 s wait take 1 s (tests, demos).</summary>
    public double WorkflowTimeScale { get; init; } = 1.0;

    /// <summary>Write <c>.eventpipeline/endpoints.json</c> when ready (the fixture of parallel test runs turns it off).</summary>
    public bool WriteEndpointsFile { get; init; } = true;

    /// <summary>
    /// Overrides every event source mapping's batching window (seconds), a development setting: tests use 0 so a
    /// single event is not held for the template's window. Null follows the template.
    /// </summary>
    public int? BatchingWindowOverride { get; init; }

    /// <summary>
    /// The latency mode to synthesize the templates with (<c>up --latency</c>): <see cref="LatencyMode.Low"/> passes
    /// <c>-c ingestLatency=low</c>, so the Ingest mapping reads through an enhanced fan-out consumer with no batching window.
    /// </summary>
    public LatencyMode Latency { get; init; } = LatencyMode.Default;

    /// <summary>
    /// Overrides how often every mapping reads an idle shard (<c>up --poll-interval</c>), a development setting; null
    /// follows Lambda's cadence for the mapping's source kind (<see cref="EventSources.MappingCadence"/>).
    /// </summary>
    public TimeSpan? PollIntervalOverride { get; init; }

    /// <summary>Where the functions' JSON log and EMF lines go (default <c>.eventpipeline/logs/functions.log</c>).</summary>
    public TextWriter? FunctionOutput { get; init; }

    /// <summary>
    /// Host names besides the loopback ones that requests may name in <c>Host</c> (and WebSocket pages in <c>Origin</c>),
    /// e.g. a name in /etc/hosts for a browser on this machine (<c>up --allow-host</c>).
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Let <c>/dev/token</c> answer loopback callers without the admin token (<c>up --open-dev-token</c>).</summary>
    public bool OpenDevToken { get; init; }

    /// <summary>The admin token; null: the one kept in <c>.eventpipeline/data/admin-token</c>, created on first start.</summary>
    public string? AdminToken { get; init; }

    /// <summary>
    /// Where the stack keeps its data, keys, checkpoints, logs and endpoints.json; null: <c>.eventpipeline/</c> under the
    /// repository root. A second stack on one machine (the fault tests) uses its own.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Progress and diagnostics.</summary>
    public Action<string>? Log { get; init; }
}
