using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement.Model;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Bus;
using EventPipeline.Connections;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.DeadLetters;
using EventPipeline.Local.Deploy;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.EventSources;
using EventPipeline.Local.Functions;
using EventPipeline.Local.Gateway;
using EventPipeline.Local.Iam;
using EventPipeline.Local.Latency;
using EventPipeline.Local.Webhooks;
using EventPipeline.Sources;
using EventPipeline.Topology;
using EventPipeline.StepFunctions.Local;
using EventPipeline.StepFunctions.Local.Api;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local;

/// <summary>
/// The whole pipeline on one machine, deployed from the synthesized CDK templates: real emulators (kinesis-mock,
/// DynamoDB Local, moto) behind one local AWS endpoint that checks every call against the caller's IAM policy; every
/// function built through its own composition root from the environment the template gives it; event source mappings
/// and API Gateway routes as the template declares them. Dispose stops everything, children included.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<IDisposable> _resources = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _graphFailures = new(StringComparer.Ordinal);
    private EmulatorSet? _emulators;
    private LocalDeployer? _deployer;
    private CloudAssembly? _assembly;

    private LocalStack(LocalStackOptions options) => Options = options;

    public LocalStackOptions Options { get; }

    public LocalEndpoints Endpoints { get; private set; } = null!;

    /// <summary>Administrator clients (through the local AWS endpoint).</summary>
    public AwsClients Aws { get; private set; } = null!;

    /// <summary>The deployed functions' configuration, read as the functions read it (the union of their environments).</summary>
    public PipelineSettings Settings { get; private set; } = null!;

    /// <summary>What the templates deployed.</summary>
    public LocalDeployment Deployment { get; private set; } = null!;

    /// <summary>The cloud assembly that was deployed, and whether the synth came from the cache.</summary>
    public SynthResult Synth { get; private set; } = null!;

    /// <summary>The local AWS endpoint.</summary>
    public AwsEdge Edge { get; private set; } = null!;

    public LocalGateway Gateway { get; private set; } = null!;

    /// <summary>The hosted functions.</summary>
    public LocalFunctionSet Functions { get; private set; } = null!;

    public LocalStateMachine StateMachine { get; private set; } = null!;

    public IOutbox Outbox { get; private set; } = null!;

    /// <summary>The dead-letter queue, read as a list.</summary>
    public IDeadLetterStore DeadLetters { get; private set; } = null!;

    public KinesisEventSourcePoller IngestMapping { get; private set; } = null!;

    public DynamoDbStreamPoller PublishMapping { get; private set; } = null!;

    /// <summary>The change-log stream's mapping to the Bus function.</summary>
    public DynamoDbStreamPoller BusMapping { get; private set; } = null!;

    /// <summary>How the Ingest mapping reads: through a consumer or the stream, its window and its idle polling.</summary>
    public MappingDescription IngestMappingCadence { get; private set; } = null!;

    /// <summary>How the Publish mapping reads.</summary>
    public MappingDescription PublishMappingCadence { get; private set; } = null!;

    /// <summary>The 14 sources (the CLI signs requests with their signers).</summary>
    public IReadOnlyDictionary<string, SourceRegistration> Sources { get; private set; } = null!;

    /// <summary>The webhook secrets the local SSM holds, and the CLI signs with.</summary>
    public LocalSecrets WebhookSecrets { get; private set; } = null!;

    /// <summary>Counters of the running stack (the dashboard's and <c>/metrics</c>'s source).</summary>
    public LocalMetrics Metrics { get; } = new();

    /// <summary>Stage latencies of the running stack (<c>/metrics/latency</c>, the dashboard's latency panel, <c>load</c>).</summary>
    public LocalLatency Latency { get; } = new();

    /// <summary>Restarts of each emulator by the watchdog (empty when the stack uses emulators it did not start).</summary>
    public IReadOnlyDictionary<string, int> EmulatorRestarts => _emulators?.Restarts ?? new Dictionary<string, int>();

    /// <summary>The emulators this stack started and watches (null when it uses running ones).</summary>
    public EmulatorSet? Emulators => _emulators;

    /// <summary>The repository root.</summary>
    public string RepoRoot { get; private set; } = "";

    /// <summary><c>.eventpipeline/</c> under the repository root.</summary>
    public string DataDirectory { get; private set; } = "";

    private byte[] JwtKey { get; set; } = [];

    /// <summary>
    /// The admin token: the routes that show tenant data or mint tokens need it (<c>Authorization: Bearer …</c>), and the
    /// administrator's AWS credentials are derived from it. Kept with the data, printed at start, in <c>endpoints.json</c>.
    /// </summary>
    public string AdminToken { get; private set; } = "";

    /// <summary>The dashboard with the admin token in the fragment (what <c>up</c> prints; a fragment never leaves the browser).</summary>
    public string DashboardSignInUrl => $"{Endpoints.DashboardUrl}#admin={AdminToken}";

    /// <summary>Host, Origin and admin-token rules of the gateway and the local AWS endpoint.</summary>
    public LocalAccess Access { get; private set; } = null!;

    /// <summary>The administrator's AWS credentials (setup, CLI, tests): IAM does not restrict them.</summary>
    public BasicAWSCredentials AdministratorCredentials => new(AdministratorKeyId, AdminToken);

    private string AdministratorKeyId => "LOCALADMIN" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)))[..10];

    /// <summary>A token for <paramref name="tenant"/> signed with this stack's dev key.</summary>
    public string IssueToken(string tenant, TimeSpan? lifetime = null) =>
        TenantTokenValidator.Issue(JwtKey, Settings.JwtIssuer, Settings.JwtAudience, tenant, lifetime ?? TimeSpan.FromHours(12));

    /// <summary>Starts everything; returns when the endpoints answer.</summary>
    public static async Task<LocalStack> StartAsync(LocalStackOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stack = new LocalStack(options);
        try
        {
            await stack.StartCoreAsync(cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private void Log(string message) => Options.Log?.Invoke(message);

    private async Task StartCoreAsync(CancellationToken ct)
    {
        RepoRoot = Options.RepoRoot ?? EmulatorInstaller.FindRepoRoot();
        DataDirectory = Options.DataDirectory ?? Path.Combine(RepoRoot, ".eventpipeline");
        var persisted = Path.Combine(DataDirectory, "data");
        if (Options.Fresh && Directory.Exists(persisted))
        {
            Directory.Delete(persisted, recursive: true);
        }

        Directory.CreateDirectory(persisted);
        if (!Options.InMemory)
        {
            CheckDataLayout(persisted);
        }

        JwtKey = Encoding.UTF8.GetBytes(Options.JwtKey ?? PersistedSecret(persisted, "dev-signing-key"));
        AdminToken = Options.AdminToken ?? PersistedSecret(persisted, "admin-token");
        Access = new LocalAccess(AdminToken, Options.AllowedHosts, Options.OpenDevToken);

        // 1. Emulators, and the one AWS endpoint in front of them.
        Uri kinesisUrl, dynamoUrl, motoUrl;
        if (Options.ExternalKinesisEndpoint is { } ek && Options.ExternalDynamoDbEndpoint is { } ed && Options.ExternalMotoEndpoint is { } em)
        {
            (kinesisUrl, dynamoUrl, motoUrl) = (ek, ed, em);
            Log($"using running emulators: kinesis {ek}, dynamodb {ed}, moto {em}");
        }
        else
        {
            Log("starting emulators (installing them first if needed)…");
            _emulators = await EmulatorSet.StartAsync(
                new EmulatorOptions
                {
                    RepoRoot = RepoRoot,
                    KinesisPort = Options.KinesisPort,
                    DynamoDbPort = Options.DynamoDbPort,
                    MotoPort = Options.MotoPort,
                    Region = Options.Region,
                    AccountId = Options.AccountId,
                    DataDirectory = Options.InMemory ? null : persisted,
                    Log = Options.Log,
                },
                ct);
            (kinesisUrl, dynamoUrl, motoUrl) = (_emulators.KinesisEndpoint, _emulators.DynamoDbEndpoint, _emulators.MotoEndpoint);
            _emulators.Restarted = ReprovisionAsync;
        }

        Edge = await AwsEdge.StartAsync(Options.AwsPort, Options.Region, Options.AccountId, Access, ct);
        _disposables.Add(Edge);
        Edge.AddPrincipal(new IamPrincipal("administrator", $"arn:aws:iam::{Options.AccountId}:root", AdministratorKeyId, AdminToken, null));
        Edge.Forward("dynamodb", dynamoUrl);
        Edge.Forward("kinesis", kinesisUrl);
        foreach (var service in new[] { "sqs", "ssm", "sns", "ses", "events" })
        {
            Edge.Forward(service, motoUrl);
        }

        var edgeUrl = Edge.BaseUrl;
        Aws = AwsClients.Create(new AwsEndpoints
        {
            Region = Options.Region,
            Credentials = AdministratorCredentials,
            Kinesis = edgeUrl,
            DynamoDb = edgeUrl,
            DynamoDbStreams = edgeUrl,
            Sqs = edgeUrl,
            Ssm = edgeUrl,
            StepFunctions = edgeUrl,
            EventBridge = edgeUrl,
        });

        // 2. The gateway first: functions need its URL (webhook public base, the fake Graph API).
        TenantTokenValidator? tokens = null;
        Gateway = await LocalGateway.StartAsync(
            new LocalGatewayOptions
            {
                Port = Options.GatewayPort,
                Region = Options.Region,
                AccountId = Options.AccountId,
                Log = Options.Log,
                Access = Access,
                Authorize = async (jwt, token) =>
                {
                    tokens ??= new TenantTokenValidator(TokenSettings.Hs256(jwt.Issuer, jwt.Audiences[0], JwtKey));
                    var r = await tokens.ValidateAsync(token);
                    return r.IsValid ? new Dictionary<string, string> { [PipelineTopology.Auth.TenantClaim] = r.Tenant! } : null;
                },
            },
            AddRoutes,
            ct);
        _disposables.Add(Gateway);

        // 3. The templates: synthesized from infra/ (cached), or as given.
        if (Options.TemplateDirectory is { } given)
        {
            Synth = new SynthResult(Path.GetFullPath(given), FromCache: true, TimeSpan.Zero);
        }
        else
        {
            Synth = await new CdkSynthesizer(RepoRoot, Options.Log).SynthesizeAsync(SynthContextFor(Options.Latency), ct);
            Log(Synth.FromCache ? $"templates from the synth cache ({Synth.Directory})" : $"synthesized the CDK app in {Synth.Took.TotalSeconds:0.0} s");
        }

        var assembly = CloudAssembly.Load(Synth.Directory);

        // 4. Deploy: streams, tables, queues; functions, roles, mappings, routes read from the templates.
        var graphBase = new Uri(Gateway.BaseUrl, "fake/graph/v1.0/").ToString();
        var deployer = new LocalDeployer(Aws, new LocalDeployOptions
        {
            Region = Options.Region,
            AccountId = Options.AccountId,
            AwsEndpoint = edgeUrl,
            Shards = Options.Shards,
            Log = Options.Log,
            ExtraEnvironment = key => LocalOnlyEnvironment(key, graphBase),
        });
        Deployment = await deployer.DeployAsync(assembly, ct);
        (_deployer, _assembly) = (deployer, assembly);
        foreach (var (arn, statements) in deployer.ResourcePolicies(assembly))
        {
            Edge.SetResourcePolicy(arn, statements);
        }

        foreach (var role in Deployment.Roles)
        {
            Edge.AddPrincipal(role);
        }

        Settings = PipelineSettings.FromVariables(Deployment.Functions
            .SelectMany(f => f.Environment)
            .Where(v => !v.Key.StartsWith("AWS_", StringComparison.Ordinal))
            .GroupBy(v => v.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal));

        // 5. Services the templates use without declaring: the webhook secrets in SSM, the state machine.
        var sourceDependencies = new SourceDependencies { GraphBaseUrl = new Uri(graphBase) };
        Sources = SourceCatalog.Create(sourceDependencies);
        WebhookSecrets = LocalSecrets.LoadOrCreate(DataDirectory, Sources.Keys);
        await SeedWebhookSecretsAsync(ct);

        // The reminder workflow on the local interpreter: its tasks call DynamoDB, SES v2 and SNS over the wire with the
        // state machine role's credentials, through the local AWS endpoint, as Step Functions calls them in AWS.
        var machine = Deployment.StateMachines.Single();
        var integrations = new ServiceIntegrationClients(
            new ServiceIntegrationEndpoints
            {
                Region = Options.Region,
                Credentials = new SessionAWSCredentials(machine.Role.AccessKeyId, machine.Role.SecretAccessKey, "local-session-" + machine.Role.Name),
                Endpoint = edgeUrl,
            },
            Aws.Http);
        _resources.Add(integrations);
        await CreateSenderIdentityAsync(ct);
        StateMachine = new LocalStateMachine(
            machine.Definition,
            ServiceIntegrations.Handlers(integrations),
            new LocalStateMachineOptions { TimeScale = Options.WorkflowTimeScale, StateMachineArn = machine.Arn, RoleArn = machine.Role.Arn });
        _disposables.Add(StateMachine);
        var stepFunctions = new StepFunctionsApi([StateMachine]);
        Edge.Serve(StepFunctionsApi.SigningName, async (context, body) =>
        {
            var response = await stepFunctions.HandleAsync(context.Request.Headers["X-Amz-Target"].ToString(), body, context.RequestAborted);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = StepFunctionsApi.ContentType;
            await context.Response.WriteAsync(response.Json, context.RequestAborted);
        });
        Outbox = new MotoOutbox(motoUrl, Aws.Http);
        Edge.Serve("execute-api", Gateway.ManagementAsync);

        // 6. The functions, each from its own composition root and environment.
        var output = Options.FunctionOutput ?? FunctionLog();
        Functions = await LocalFunctionSet.CreateAsync(Deployment, output, TimeProvider.System, ct);
        if (Functions.Ingest is { } ingest)
        {
            ingest.BatchProcessed += Metrics.OnIngest;
            ingest.BatchProcessed += Latency.OnIngest;
        }

        if (Functions.Publish is { } publish)
        {
            publish.BatchProcessed += Metrics.OnPublish;
            publish.BatchProcessed += Latency.OnPublish;
        }

        Gateway.Configure(Deployment, Functions);
        var deadLetterQueue = new SqsDeadLetterQueue(Aws.Sqs, Deployment.Queue().Url);
        DeadLetters = deadLetterQueue;
        if (KeepsDeadLetters && await deadLetterQueue.RestoreAsync(SavedDeadLettersPath, ct) is > 0 and var restored)
        {
            Log($"restored {restored} dead letter(s) saved when the stack last stopped");
        }

        // 7. The event source mappings, reading with their function's role, as Lambda's do.
        var checkpoints = Options.InMemory ? null : new FileCheckpointStore(Path.Combine(persisted, "checkpoints.json"));
        if (checkpoints is not null)
        {
            _resources.Add(checkpoints);
        }

        foreach (var mapping in Deployment.EventSourceMappings)
        {
            StartMapping(mapping, checkpoints);
        }

        // 8. Where everything answers.
        Endpoints = new LocalEndpoints(
            AwsEndpoint: edgeUrl.ToString().TrimEnd('/'),
            KinesisEndpoint: kinesisUrl.ToString().TrimEnd('/'),
            StreamName: Deployment.Stream().Name,
            Region: Options.Region,
            DynamoDbEndpoint: dynamoUrl.ToString().TrimEnd('/'),
            MotoEndpoint: motoUrl.ToString().TrimEnd('/'),
            DeadLetterQueueUrl: Deployment.Queue().Url,
            WebSocketUrl: Gateway.WebSocketUrl.ToString(),
            RestUrl: Gateway.BaseUrl.ToString().TrimEnd('/'),
            WebhookUrl: new Uri(Gateway.BaseUrl, "webhooks").ToString(),
            DashboardUrl: Gateway.BaseUrl.ToString(),
            DemoTenant: Options.DemoTenant,
            DemoToken: IssueToken(Options.DemoTenant),
            AccessKeyId: AdministratorKeyId,
            SecretAccessKey: AdminToken,
            AdminToken: AdminToken)
        {
            Tables = Deployment.Tables.Where(t => t.NameTag is not null).ToDictionary(t => t.NameTag!, t => t.Name, StringComparer.Ordinal),
            EventBridgeEndpoint = edgeUrl.ToString().TrimEnd('/'),
            EventBusName = Deployment.EventBuses.Count > 0 ? Deployment.EventBuses[0].Name : "",
        };
        if (Options.WriteEndpointsFile)
        {
            // It holds the admin token and the administrator's keys: readable by its owner only.
            var endpointsFile = Path.Combine(DataDirectory, "endpoints.json");
            await File.WriteAllTextAsync(endpointsFile, JsonSerializer.Serialize(Endpoints, LocalJsonContext.Default.LocalEndpoints), ct);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(endpointsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            await Cli.InvokeCommand.WriteAsync(RepoRoot, Deployment.Functions, ct);
        }
    }

    /// <summary>The context the local synth passes the CDK app (explicit, like a real deploy's).</summary>
    public static IReadOnlyDictionary<string, string> SynthContext { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bundling"] = "skip",
        ["jwtIssuer"] = PipelineTopology.Auth.LocalIssuer,
        ["fromEmailAddress"] = "reminders@eventpipeline.local",
        ["graphTokenPrefix"] = "/eventpipeline/graph",
    };

    /// <summary>
    /// The context of a synth for <paramref name="latency"/>: <see cref="SynthContext"/>, plus <c>ingestLatency=low</c>
    /// for the low-latency mode (the Ingest mapping on an enhanced fan-out consumer, no batching window).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SynthContextFor(LatencyMode latency) => latency == LatencyMode.Low
        ? new Dictionary<string, string>(SynthContext.ToDictionary(), StringComparer.Ordinal) { ["ingestLatency"] = "low" }
        : SynthContext;

    /// <summary>The access token the fake Graph API accepts; seeded into SSM where the template's functions read it.</summary>
    private string GraphToken { get; } = "local-graph-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>
    /// What the local stack adds to a function's environment beyond the template's, each for a reason the README lists:
    /// the dev tokens' key (the local issuer has no OpenID discovery endpoint), the gateway's URL for URL-signing
    /// providers, and the stand-in for Microsoft Graph.
    /// </summary>
    private Dictionary<string, string> LocalOnlyEnvironment(string key, string graphBase) => key switch
    {
        "connections" => new() { [PipelineTopology.Environment.JwtHs256Key] = Encoding.UTF8.GetString(JwtKey) },
        "webhook" => new()
        {
            [PipelineTopology.Environment.WebhookPublicBaseUrl] = Gateway.BaseUrl.ToString().TrimEnd('/'),
            [PipelineTopology.Environment.GraphBaseUrl] = graphBase,
        },
        "ingest" => new() { [PipelineTopology.Environment.GraphBaseUrl] = graphBase },
        _ => [],
    };

    private void StartMapping(DeployedEventSourceMapping mapping, ICheckpointStore? checkpoints)
    {
        var function = Deployment.Functions.Single(f => f.Name == mapping.FunctionName);
        var clients = RoleClients(function.Role);
        var settings = Options.BatchingWindowOverride is { } window ? mapping.Settings with { MaximumBatchingWindowSeconds = window } : mapping.Settings;
        IFailureDestination? onFailure = mapping.OnFailureDestinationArn is { } destination
            ? new SqsFailureDestination(clients.Sqs, Deployment.Queues.Single(q => q.Arn == destination).Url)
            : null;
        // Lambda's cadence for the source kind (or the development override); a consumer's reads are woken by puts.
        var pushed = mapping.IsOnConsumer ? new RecordsPutSignal() : null;
        var cadence = mapping.IsOnConsumer ? MappingCadence.KinesisConsumerFallback
            : mapping.IsKinesis ? MappingCadence.KinesisStream
            : MappingCadence.DynamoDbStream;
        var options = new StreamPollerOptions
        {
            Mapping = settings,
            FunctionName = function.Name,
            FunctionTimeout = function.Timeout,
            StartingPosition = mapping.StartingPosition == "LATEST" ? StartingPosition.Latest : StartingPosition.TrimHorizon,
            Region = Options.Region,
            OnFailure = onFailure,
            Checkpoints = checkpoints,
            Log = Options.Log,
            EmptyPollInterval = Options.PollIntervalOverride ?? cadence,
            RecordsPut = pushed,
        };
        if (mapping.IsKinesis)
        {
            var lambda = Functions.Kinesis(function.Name);
            var streamName = mapping.StreamName;
            if (pushed is not null)
            {
                Edge.KinesisRecordsPut += stream =>
                {
                    if (stream == streamName)
                    {
                        pushed.Signal();
                    }
                };
            }

            IngestMapping = new KinesisEventSourcePoller(
                clients.Kinesis, streamName, (e, _, ct) => lambda.InvokeAsync(e, ct), options, mapping.IsOnConsumer ? (clients.Kinesis, mapping.EventSourceArn) : null);
            IngestMapping.Start();
            _disposables.Add(IngestMapping);
            IngestMappingCadence = new MappingDescription(mapping.IsOnConsumer ? "consumer" : "stream", settings.MaximumBatchingWindowSeconds, options.EmptyPollInterval.TotalMilliseconds, pushed is not null);
        }
        else
        {
            var lambda = Functions.DynamoDb(function.Name);
            var streams = new DynamoDbStreamsClient(clients.Endpoints, clients.Http);
            var poller = new DynamoDbStreamPoller(streams, mapping.EventSourceArn, (e, _, ct) => lambda.InvokeAsync(e, ct), options, TraceWrittenAt);
            poller.Start();
            _disposables.Add(poller);
            if (function.Key == BusComposition.FunctionKey)
            {
                BusMapping = poller;
            }
            else
            {
                PublishMapping = poller;
                PublishMappingCadence = new MappingDescription("stream", settings.MaximumBatchingWindowSeconds, options.EmptyPollInterval.TotalMilliseconds, false);
            }
        }
    }

    /// <summary>When Ingest sent the write of an entity item, from the trace in its stream record's new image.</summary>
    private static DateTimeOffset? TraceWrittenAt(DynamoDBEvent.DynamodbStreamRecord record) =>
        record.Dynamodb.NewImage is { } image && image.TryGetValue(EventPipeline.Aws.Aggregates.AggregateItemMapper.Trace, out var trace)
            ? Application.Tracing.EventTrace.TryDecode(trace.S)?.WriteSentAt
            : null;

    /// <summary>Clients signing with <paramref name="role"/>'s local credentials, through the local AWS endpoint.</summary>
    private AwsClients RoleClients(IamPrincipal role)
    {
        var edge = Edge.BaseUrl;
        var clients = AwsClients.Create(new AwsEndpoints
        {
            Region = Options.Region,
            Credentials = new SessionAWSCredentials(role.AccessKeyId, role.SecretAccessKey, "local-session-" + role.Name),
            Kinesis = edge,
            DynamoDb = edge,
            DynamoDbStreams = edge,
            Sqs = edge,
            Ssm = edge,
            StepFunctions = edge,
            EventBridge = edge,
        });
        _resources.Add(clients);
        return clients;
    }

    /// <summary>
    /// Puts the local secrets file into SSM Parameter Store where the Webhook function reads them: the <c>"*"</c> tenant's
    /// entries as each source's default for every tenant (<c>{prefix}/{source}</c>), other tenants' under their name.
    /// </summary>
    private async Task SeedWebhookSecretsAsync(CancellationToken ct)
    {
        var prefix = Deployment.Function("webhook").Environment[PipelineTopology.Environment.WebhookSecretsParameterPrefix].TrimEnd('/');
        var file = JsonNode.Parse(await File.ReadAllTextAsync(WebhookSecrets.VerifyPath, ct))?["tenants"]?.AsObject() ?? [];
        foreach (var (tenant, sources) in file)
        {
            foreach (var (source, value) in sources?.AsObject() ?? [])
            {
                var name = tenant == "*" ? $"{prefix}/{source}" : $"{prefix}/{tenant}/{source}";
                await Aws.Ssm.PutParameterAsync(
                    new PutParameterRequest { Name = name, Value = value!.ToJsonString(), Type = Amazon.SimpleSystemsManagement.ParameterType.SecureString, Overwrite = true },
                    ct);
            }
        }

        // The Graph credential, where the template points the functions that fetch from Graph.
        if (Deployment.Function("ingest").Environment.TryGetValue(PipelineTopology.Environment.GraphTokenPrefix, out var graphPrefix))
        {
            await Aws.Ssm.PutParameterAsync(
                new PutParameterRequest { Name = $"{graphPrefix.TrimEnd('/')}/{EventPipeline.Aws.Webhooks.SsmGraphAccessTokens.TokenName}", Value = GraphToken, Type = Amazon.SimpleSystemsManagement.ParameterType.SecureString, Overwrite = true },
                ct);
        }
    }

    private TextWriter FunctionLog()
    {
        var directory = Path.Combine(DataDirectory, "logs");
        Directory.CreateDirectory(directory);
        var writer = TextWriter.Synchronized(new StreamWriter(new FileStream(Path.Combine(directory, "functions.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true });
        _resources.Add(writer);
        return writer;
    }

    /// <summary>
    /// The layout of the items the stack persists (ADR 0003's entity and metric items). Data written under another
    /// layout would be misread, so a start on it stops and says how to go on; bump it with every change of item layout.
    /// </summary>
    public const string DataLayout = "3";

    private static void CheckDataLayout(string persisted)
    {
        var marker = Path.Combine(persisted, "layout");
        var hasData = Directory.Exists(Path.Combine(persisted, "dynamodb")) && Directory.EnumerateFileSystemEntries(Path.Combine(persisted, "dynamodb")).Any();
        var found = File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
        if (hasData && found != DataLayout)
        {
            throw new InvalidOperationException(
                $"{persisted} holds data of item layout {found ?? "1 or 2"}; this version writes layout {DataLayout} (docs/adr/0003). " +
                "Start with --fresh to delete it, or --in-memory to leave it untouched.");
        }

        File.WriteAllText(marker, DataLayout);
    }

    /// <summary>
    /// A random secret kept in <paramref name="directory"/>/<paramref name="name"/>, created once (owner-only on Unix), so
    /// dev tokens and the admin token survive a restart.
    /// </summary>
    private static string PersistedSecret(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 32 } existing)
        {
            return existing;
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secret;
    }

    private void AddRoutes(WebApplication app)
    {
        app.MapGet("/metrics", () => Results.Json(Metrics.Snapshot(this), LocalJsonContext.Default.MetricsSnapshot));
        // Stage latencies (no tenant data): the last minute and since start; ?histograms=1 adds each since-start histogram.
        app.MapGet("/metrics/latency", (string? histograms) =>
            Results.Json(Latency.Snapshot(IngestMappingCadence, PublishMappingCadence, IngestMapping?.Metrics, PublishMapping?.Metrics, histograms is "1" or "true"), LatencyJsonContext.Default.LatencySnapshot));
        app.MapGet("/endpoints.json", () => Results.Json(Endpoints.PublicView(), LocalJsonContext.Default.LocalEndpoints));
        // Tokens only for this machine's callers, and only with the admin token unless up --open-dev-token said otherwise.
        app.MapGet("/dev/token", (HttpContext ctx, string? tenant) =>
        {
            if (!LocalAccess.IsLoopbackCaller(ctx) || !(Access.OpenDevToken || Access.IsAdmin(ctx.Request)))
            {
                return AdminTokenRequired();
            }

            tenant ??= Options.DemoTenant;
            return Domain.Names.IsValidTenant(tenant)
                ? Results.Json(new TokenBody(tenant, IssueToken(tenant)), LocalJsonContext.Default.TokenBody)
                : Results.Text($$"""{"error":"invalid","field":"tenant","rule":"{{Domain.Names.TenantRule}}"}""", "application/json", statusCode: 400);
        });
        app.MapGet("/outbox", async (CancellationToken ct) => Results.Json((await Outbox.ReadAllAsync(ct)).Select(e => JsonDocument.Parse(e.ToJson()).RootElement).ToList(), LocalJsonContext.Default.ListJsonElement))
            .AddEndpointFilter(AdminOnly);
        app.MapGet("/dead-letters", async (CancellationToken ct) => Results.Json((await DeadLetters.ListAsync(1000, ct)).ToList(), Application.DeadLetters.DeadLetterJsonContext.Default.ListDeadLetterEntry))
            .AddEndpointFilter(AdminOnly);
        // A stand-in for Microsoft Graph, so the thin 'graph' source enriches locally without leaving the machine.
        // PUT/DELETE /fake/graph/failures/{resource}?status=503 makes one resource fail (outage, revoked consent) and
        // heals it: the path to dead letters and their redrive, exercised per resource so other callers are untouched.
        app.MapPut("/fake/graph/failures/{**resource}", (string resource, int? status) =>
        {
            _graphFailures[resource] = status is >= 400 and <= 599 ? status.Value : 503;
            return Results.NoContent();
        }).AddEndpointFilter(AdminOnly);
        app.MapDelete("/fake/graph/failures/{**resource}", (string resource) => _graphFailures.TryRemove(resource, out _) ? Results.NoContent() : Results.NotFound())
            .AddEndpointFilter(AdminOnly);
        app.MapGet("/fake/graph/v1.0/{**resource}", (HttpContext ctx, string resource) => ctx.Request.Headers.Authorization.ToString() != "Bearer " + GraphToken
            ? Results.Text("""{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty or not valid."}}""", "application/json", statusCode: 401)
            : _graphFailures.TryGetValue(resource, out var failure)
            ? Results.Text("""{"error":{"code":"fakeFailure","message":"failing on request of /fake/graph/failures"}}""", "application/json", statusCode: failure)
            : Results.Text(
            $$"""{"id":"{{JsonEncodedText.Encode(resource.Split('/')[^1])}}","subject":"local resource","lastModifiedDateTime":"{{DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}}","status":"updated"}""",
            "application/json"));
        LocalDashboard.Map(app, RepoRoot);
    }

    // moto keeps its queues in memory: the dead letters go to a file at stop and back into the queue at the next start.
    private async Task SaveDeadLettersAsync()
    {
        if (!KeepsDeadLetters || DeadLetters is not SqsDeadLetterQueue queue)
        {
            return;
        }

        try
        {
            var saved = await queue.SaveAsync(SavedDeadLettersPath, CancellationToken.None);
            Log($"saved {saved} dead letter(s) to {SavedDeadLettersPath}");
        }
#pragma warning disable CA1031 // Shutdown goes on; the message says what was not saved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log($"stopping: the dead letters could not be saved ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>The stack owns moto and persists its data: dead letters are saved at stop and restored at start.</summary>
    private bool KeepsDeadLetters => !Options.InMemory && _emulators is not null;

    private string SavedDeadLettersPath => Path.Combine(DataDirectory, "data", "dead-letter-queue.jsonl");

    private ValueTask<object?> AdminOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Access.IsAdmin(context.HttpContext.Request) ? next(context) : ValueTask.FromResult<object?>(AdminTokenRequired());

    // moto's SES refuses senders that are not verified identities; in AWS the operator verifies it before deploying,
    // so here the administrator does.
    private async Task CreateSenderIdentityAsync(CancellationToken ct)
    {
        using var setup = new ServiceIntegrationClients(
            new ServiceIntegrationEndpoints { Region = Options.Region, Credentials = AdministratorCredentials, Endpoint = Edge.BaseUrl },
            Aws.Http);
        await setup.SesV2.CreateEmailIdentityAsync(SynthContext["fromEmailAddress"], ct);
    }

    /// <summary>
    /// After the watchdog restarted an emulator: re-create what it held only in memory. moto keeps nothing, so the
    /// queues, the webhook secrets and the sender identity come back (the queue's messages do not); DynamoDB Local and
    /// kinesis-mock keep their data under .eventpipeline/data unless the stack runs in memory.
    /// </summary>
    private async Task ReprovisionAsync(EmulatorProcess process, CancellationToken ct)
    {
        if (_deployer is null || _assembly is null)
        {
            return;
        }

        switch (process.Name)
        {
            case "moto":
                await _deployer.RecreateAsync(_assembly, "AWS::SQS::Queue", ct);
                await SeedWebhookSecretsAsync(ct);
                await CreateSenderIdentityAsync(ct);
                Log("moto restarted: queues, webhook secrets and the SES sender identity re-created; messages it held (dead letters, the outbox) are gone, as moto keeps state in memory only");
                break;
            case "kinesis-mock" when Options.InMemory:
                await _deployer.RecreateAsync(_assembly, "AWS::Kinesis::Stream", ct);
                await _deployer.RecreateAsync(_assembly, "AWS::Kinesis::StreamConsumer", ct);
                Log("kinesis-mock restarted in memory: the stream (and its consumer) were re-created empty");
                break;
            case "dynamodb-local" when Options.InMemory:
                await _deployer.RecreateAsync(_assembly, "AWS::DynamoDB::Table", ct);
                Log("DynamoDB Local restarted in memory: the tables were re-created empty; restart the stack to follow their new streams");
                break;
            default:
                Log($"{process.Name} restarted with its data from {Path.Combine(DataDirectory, "data")}");
                break;
        }
    }

    private static IResult AdminTokenRequired() => Results.Text(
        """{"message":"admin token required: Authorization: Bearer <adminToken from .eventpipeline/endpoints.json>"}""",
        "application/json",
        statusCode: StatusCodes.Status401Unauthorized);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_disposables[i], Edge))
            {
                // Everything that sends dead letters has stopped; the queue is still reachable through the edge.
                await SaveDeadLettersAsync();
            }

            try
            {
                await _disposables[i].DisposeAsync();
            }
#pragma warning disable CA1031 // Shutdown goes on whatever one part throws.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log($"stopping: {ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var resource in _resources)
        {
            resource.Dispose();
        }

        Aws?.Dispose();
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
        }
    }
}

internal sealed record TokenBody(string Tenant, string Token);
