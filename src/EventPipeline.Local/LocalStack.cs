using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Connections;
using EventPipeline.Ingest;
using EventPipeline.Lambda.Events;
using EventPipeline.Local.Emulators;
using EventPipeline.Local.EventSources;
using EventPipeline.Local.Gateway;
using EventPipeline.Publish;
using EventPipeline.Query;
using EventPipeline.Reminders;
using EventPipeline.Sources;
using EventPipeline.StepFunctions.Local;
using EventPipeline.StepFunctions.Local.Api;
using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Integrations;
using EventPipeline.StepFunctions.Local.Outbox;
using EventPipeline.Topology;
using EventPipeline.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventPipeline.Local;

/// <summary>Where a running local stack can be reached (also written to <c>.eventpipeline/endpoints.json</c>).</summary>
public sealed record LocalEndpoints(
    string KinesisEndpoint,
    string StreamName,
    string Region,
    string DynamoDbEndpoint,
    string WebSocketUrl,
    string RestUrl,
    string WebhookUrl,
    string DashboardUrl,
    string DemoTenant,
    string DemoToken,
    string AccessKeyId,
    string SecretAccessKey);

/// <summary>
/// The whole pipeline on one machine: real emulators (kinesis-mock, DynamoDB Local) spoken to over the AWS wire
/// protocols, the same function classes as in AWS hosted in-process, Lambda-like event source mappings, and an
/// API Gateway emulation. Dispose stops everything, children included.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _graphFailures = new(StringComparer.Ordinal);
    private EmulatorSet? _emulators;

    private LocalStack(LocalStackOptions options) => Options = options;

    public LocalStackOptions Options { get; }

    public LocalEndpoints Endpoints { get; private set; } = null!;

    public AwsClients Aws { get; private set; } = null!;

    public PipelineSettings Settings { get; private set; } = null!;

    public LocalGateway Gateway { get; private set; } = null!;

    public IngestFunction Ingest { get; private set; } = null!;

    public PublishFunction Publish { get; private set; } = null!;

    public ConnectionsFunction Connections { get; private set; } = null!;

    public QueryFunction Query { get; private set; } = null!;

    public RemindersFunction Reminders { get; private set; } = null!;

    public LocalStateMachine StateMachine { get; private set; } = null!;

    public IOutbox Outbox { get; private set; } = null!;

    public IDeadLetterStore DeadLetters { get; private set; } = null!;

    public KinesisEventSourcePoller IngestMapping { get; private set; } = null!;

    public DynamoDbStreamPoller PublishMapping { get; private set; } = null!;

    public IReadOnlyDictionary<string, SourceRegistration> Sources { get; private set; } = null!;

    /// <summary>The webhook secrets the local Webhook function verifies with, and the CLI signs with.</summary>
    public LocalSecrets WebhookSecrets { get; private set; } = null!;

    /// <summary>Counters of the running stack (the dashboard's and <c>/metrics</c>'s source).</summary>
    public LocalMetrics Metrics { get; } = new();

    /// <summary>The repository root.</summary>
    public string RepoRoot { get; private set; } = "";

    private byte[] JwtKey { get; set; } = [];

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

    private static Lambda.EmfMetrics EmfMetrics(string function) => Lambda.EmfMetrics.ForFunction("EventPipeline", function, TextWriter.Null);

    private async Task StartCoreAsync(CancellationToken ct)
    {
        RepoRoot = Options.RepoRoot ?? EmulatorInstaller.FindRepoRoot();
        Uri kinesisUrl, dynamoUrl;
        if (Options.ExternalKinesisEndpoint is { } ek && Options.ExternalDynamoDbEndpoint is { } ed)
        {
            (kinesisUrl, dynamoUrl) = (ek, ed);
            Log($"using running emulators: kinesis {ek}, dynamodb {ed}");
        }
        else
        {
            Log("starting emulators (installing them first if needed)…");
            _emulators = await EmulatorSet.StartAsync(
                new EmulatorOptions { RepoRoot = RepoRoot, KinesisPort = Options.KinesisPort, DynamoDbPort = Options.DynamoDbPort, Region = Options.Region, Log = Options.Log },
                ct);
            (kinesisUrl, dynamoUrl) = (_emulators.KinesisEndpoint, _emulators.DynamoDbEndpoint);
        }

        JwtKey = Options.JwtKey is { } k ? Encoding.UTF8.GetBytes(k) : RandomNumberGenerator.GetBytes(32);
        Settings = new PipelineSettings
        {
            JwtHs256Key = null,
            GracePeriod = Options.GracePeriod,
        };

        // The gateway starts first: the publisher and the connections function need its @connections URL.
        LocalFunctions? functions = null;
        Gateway = await LocalGateway.StartAsync(Options.GatewayPort, () => functions ?? throw new InvalidOperationException("starting"), AddRoutes, ct);
        _disposables.Add(Gateway);

        var credentials = AwsEndpoints.LocalCredentials();
        var endpoints = new AwsEndpoints
        {
            Region = Options.Region,
            Credentials = credentials,
            Kinesis = kinesisUrl,
            DynamoDb = dynamoUrl,
            DynamoDbStreams = dynamoUrl,
            ExecuteApi = Gateway.BaseUrl,
        };
        Aws = AwsClients.Create(endpoints);
        await ResourceBootstrapper.EnsureAsync(Aws, Settings, Options.Shards, Log, ct);

        var clock = TimeProvider.System;
        var tokenSettings = TokenSettings.Hs256(Settings.JwtIssuer, Settings.JwtAudience, JwtKey);
        var validator = new TenantTokenValidator(tokenSettings);
        DeadLetters = new DynamoDeadLetterStore(Aws.DynamoDb, Settings.OperationsTable);
        var sourceDeps = new SourceDependencies { HttpClient = Aws.Http, GraphBaseUrl = new Uri(Gateway.BaseUrl, "fake/graph/v1.0/"), Clock = clock };
        Sources = SourceCatalog.Create(sourceDeps);

        // Functions log and emit EMF to nowhere locally: the same counters are on /metrics and the dashboard.
        Ingest = IngestComposition.Create(Settings, Aws.DynamoDb, DeadLetters, sourceDeps, clock, "ingest", new Lambda.LambdaLog(TextWriter.Null), EmfMetrics("ingest"));
        Ingest.BatchProcessed += Metrics.OnIngest;
        Publish = PublishComposition.Create(Settings, Aws.DynamoDb, Aws.Management!, clock, new Lambda.LambdaLog(TextWriter.Null), EmfMetrics("publish"));
        Publish.BatchProcessed += Metrics.OnPublish;
        Connections = new ConnectionsFunction(
            validator,
            new Aws.Connections.DynamoConnectionStore(Aws.DynamoDb, Settings.ConnectionsTable, clock),
            new Aws.Connections.DynamoChangeLog(Aws.DynamoDb, Settings.ChangeLogTable, clock, Settings.ChangeLogRetention),
            Aws.Management!,
            clock);
        Query = QueryComposition.Create(Settings, Aws.DynamoDb, clock, new Lambda.LambdaLog(TextWriter.Null), EmfMetrics("query"));

        var dataDir = Path.Combine(RepoRoot, ".eventpipeline");
        Directory.CreateDirectory(dataDir);
        WebhookSecrets = LocalSecrets.LoadOrCreate(dataDir, Sources.Keys);
        // NOTE(local AWS endpoint): notifications recorded in outbox.jsonl until the stack sends them to moto's SES and
        // SNS (ServiceIntegrationClients) and reads MotoOutbox.
        var notifications = JsonLinesNotifications.InDirectory(dataDir);
        Outbox = notifications;
        var definition = ReminderWorkflow.Render(new Dictionary<string, string>
        {
            [ReminderWorkflow.Placeholders.AggregatesTableName] = Settings.AggregatesTable,
            [ReminderWorkflow.Placeholders.FromEmailAddress] = "reminders@eventpipeline.local",
        });
        StateMachine = new LocalStateMachine(
            definition,
            ServiceIntegrations.Handlers(new DynamoDbJsonClient(dynamoUrl, endpoints, Aws.Http), notifications, notifications),
            new LocalStateMachineOptions { TimeScale = Options.WorkflowTimeScale });
        _disposables.Add(StateMachine);
        // NOTE(local AWS endpoint): the real Step Functions client, served in process until the endpoint mounts the
        // StepFunctionsApi; the in-process handler owns no sockets, so the stack does not dispose it.
        var stepFunctions = new StepFunctionsClient(
            endpoints with { StepFunctions = new Uri("http://states.in-process/") },
            new HttpClient(new StepFunctionsApiMessageHandler(new StepFunctionsApi([StateMachine]))));
        Reminders = RemindersComposition.Create(
            stepFunctions,
            new DynamoDbIdempotencyStore(Aws.DynamoDb, Settings.OperationsTable),
            new RemindersOptions { StateMachineArn = StateMachine.StateMachineArn });

        functions = new LocalFunctions
        {
            Connections = Connections.HandleAsync,
            Query = Query.HandleAsync,
            Reminders = Reminders.HandleAsync,
            Webhook = LocalWebhook.Create(this, WebhookSecrets),
            Authorize = async token =>
            {
                var r = await validator.ValidateAsync(token);
                return r.IsValid ? new Dictionary<string, string> { [PipelineTopology.Auth.TenantClaim] = r.Tenant! } : null;
            },
        };

        IngestMapping = new KinesisEventSourcePoller(
            Aws.Kinesis,
            Settings.EventsStream,
            Ingest.HandleAsync,
            new StreamPollerOptions
            {
                Mapping = Options.IngestMapping,
                FunctionName = "ingest",
                Region = Options.Region,
                OnFailure = new DeadLetterFailureDestination(DeadLetters, "ingest"),
                Log = Options.Log,
            });
        PublishMapping = new DynamoDbStreamPoller(
            Aws.Streams,
            Settings.AggregatesTable,
            Publish.HandleAsync,
            new StreamPollerOptions
            {
                Mapping = Options.PublishMapping,
                FunctionName = "publish",
                Region = Options.Region,
                OnFailure = new DeadLetterFailureDestination(DeadLetters, "publish"),
                Log = Options.Log,
            });
        IngestMapping.Start();
        PublishMapping.Start();
        _disposables.Add(IngestMapping);
        _disposables.Add(PublishMapping);

        var ws = new UriBuilder(Gateway.BaseUrl) { Scheme = "ws", Path = "/ws" }.Uri.ToString();
        Endpoints = new LocalEndpoints(
            KinesisEndpoint: kinesisUrl.ToString().TrimEnd('/'),
            StreamName: Settings.EventsStream,
            Region: Options.Region,
            DynamoDbEndpoint: dynamoUrl.ToString().TrimEnd('/'),
            WebSocketUrl: ws,
            RestUrl: Gateway.BaseUrl.ToString().TrimEnd('/'),
            WebhookUrl: new Uri(Gateway.BaseUrl, "webhooks").ToString(),
            DashboardUrl: Gateway.BaseUrl.ToString(),
            DemoTenant: Options.DemoTenant,
            DemoToken: IssueToken(Options.DemoTenant),
            AccessKeyId: "local",
            SecretAccessKey: "local");
        if (Options.WriteEndpointsFile)
        {
            await File.WriteAllTextAsync(Path.Combine(dataDir, "endpoints.json"), JsonSerializer.Serialize(Endpoints, LocalJsonContext.Default.LocalEndpoints), ct);
        }
    }

    private void AddRoutes(IEndpointRouteBuilderHolder holder)
    {
        var app = holder.App;
        app.MapGet("/metrics", () => Results.Json(Metrics.Snapshot(this), LocalJsonContext.Default.MetricsSnapshot));
        app.MapGet("/dev/token", (string? tenant) =>
            Domain.Names.IsValidTenant(tenant ?? Options.DemoTenant)
                ? Results.Json(new TokenBody(tenant ?? Options.DemoTenant, IssueToken(tenant ?? Options.DemoTenant)), LocalJsonContext.Default.TokenBody)
                : Results.BadRequest());
        app.MapGet("/endpoints.json", () => Results.Json(Endpoints, LocalJsonContext.Default.LocalEndpoints));
        app.MapGet("/outbox", async (CancellationToken ct) => Results.Json((await Outbox.ReadAllAsync(ct)).Select(e => JsonDocument.Parse(e.ToJson()).RootElement).ToList(), LocalJsonContext.Default.ListJsonElement));
        app.MapGet("/dead-letters", async (CancellationToken ct) => Results.Json((await DeadLetters.ListAsync(1000, ct)).ToList(), DeadLetterJsonContext.Default.ListDeadLetterEntry));
        // A stand-in for Microsoft Graph, so the thin 'graph' source enriches locally without leaving the machine.
        // PUT/DELETE /fake/graph/failures/{resource}?status=503 makes one resource fail (outage, revoked consent) and
        // heals it: the path to dead letters and their redrive, exercised per resource so other callers are untouched.
        app.MapPut("/fake/graph/failures/{**resource}", (string resource, int? status) =>
        {
            _graphFailures[resource] = status is >= 400 and <= 599 ? status.Value : 503;
            return Results.NoContent();
        });
        app.MapDelete("/fake/graph/failures/{**resource}", (string resource) => _graphFailures.TryRemove(resource, out _) ? Results.NoContent() : Results.NotFound());
        app.MapGet("/fake/graph/v1.0/{**resource}", (string resource) => _graphFailures.TryGetValue(resource, out var failure)
            ? Results.Text("""{"error":{"code":"fakeFailure","message":"failing on request of /fake/graph/failures"}}""", "application/json", statusCode: failure)
            : Results.Text(
            $$"""{"id":"{{JsonEncodedText.Encode(resource.Split('/')[^1])}}","subject":"local resource","lastModifiedDateTime":"{{DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}}","status":"updated"}""",
            "application/json"));
        LocalDashboard.Map(app, RepoRoot);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
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

        Aws?.Dispose();
        if (_emulators is not null)
        {
            await _emulators.DisposeAsync();
        }
    }
}

internal sealed record TokenBody(string Tenant, string Token);
