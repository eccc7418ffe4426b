namespace EventPipeline.Local;

/// <summary>How to run the local stack. Every port has a default and can be overridden (0 = any free port).</summary>
public sealed record LocalStackOptions
{
    /// <summary>Repository root (found by walking up to EventPipeline.sln when null).</summary>
    public string? RepoRoot { get; init; }

    /// <summary>kinesis-mock's plain-HTTP port.</summary>
    public int KinesisPort { get; init; } = 4568;

    /// <summary>DynamoDB Local's port.</summary>
    public int DynamoDbPort { get; init; } = 8000;

    /// <summary>The local API Gateway (WebSocket, REST, webhooks, dashboard) port.</summary>
    public int GatewayPort { get; init; } = 4510;

    /// <summary>Region the clients sign for.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Shards of the events stream (several, so per-shard ordering and watermarks are exercised locally).</summary>
    public int Shards { get; init; } = 2;

    /// <summary>Tenant of the demo token.</summary>
    public string DemoTenant { get; init; } = "demo";

    /// <summary>HS256 key for local tokens; a random one per start when null.</summary>
    public string? JwtKey { get; init; }

    /// <summary>
    /// Already-running emulators to use instead of starting our own (e.g. a LocalStack container, or emulators started
    /// by hand): both must be set. Tables and the stream are created if missing.
    /// </summary>
    public Uri? ExternalKinesisEndpoint { get; init; }

    /// <summary>See <see cref="ExternalKinesisEndpoint"/>.</summary>
    public Uri? ExternalDynamoDbEndpoint { get; init; }

    /// <summary>Late-event grace period of metric windows.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Workflow time scale: 1 is real time, 0.01 makes a 100 s wait take 1 s (tests, demos).</summary>
    public double WorkflowTimeScale { get; init; } = 1.0;

    /// <summary>Write <c>.eventpipeline/endpoints.json</c> when ready (the fixture of parallel test runs turns it off).</summary>
    public bool WriteEndpointsFile { get; init; } = true;

    /// <summary>Kinesis → Ingest mapping settings (the shared definition; tests shorten the batching window).</summary>
    public Topology.EventSourceMappingSettings IngestMapping { get; init; } = Topology.PipelineTopology.IngestMapping;

    /// <summary>Aggregates stream → Publish mapping settings.</summary>
    public Topology.EventSourceMappingSettings PublishMapping { get; init; } = Topology.PipelineTopology.PublishMapping;

    /// <summary>Progress and diagnostics.</summary>
    public Action<string>? Log { get; init; }
}
