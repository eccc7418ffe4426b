namespace EventPipeline.Topology;

/// <summary>
/// The one definition of names, keys, routes and event-source-mapping settings shared by the CDK app
/// (infra/) and the local stack, so nothing is typed twice.
/// </summary>
public static class PipelineTopology
{
    /// <summary>Kinesis stream producers put ingest envelopes and CloudEvents on.</summary>
    public const string EventsStream = "events";

    /// <summary>The dead-letter queue (rejected events, and the event source mappings' on-failure records).</summary>
    public const string DeadLetterQueue = "deadletters";

    /// <summary>
    /// Tag the CDK app puts on every stream, table, queue and function, valued with its name here (<c>aggregates</c>,
    /// <c>ingest</c>, …): the local stack and the CLI find deployed resources by it instead of by CloudFormation's
    /// generated names.
    /// </summary>
    public const string NameTag = "eventpipeline:name";

    /// <summary>Tables. Every table has a string partition key <c>pk</c> and string sort key <c>sk</c>, and a TTL attribute <c>ttl</c> (epoch seconds).</summary>
    public static class Tables
    {
        /// <summary>Entity views, metric windows and totals (stream NEW_AND_OLD_IMAGES → Publish).</summary>
        public const string Aggregates = "aggregates";

        /// <summary>WebSocket connections and their subscriptions, with a GSI by channel.</summary>
        public const string Connections = "connections";

        /// <summary>Dedup markers (tenant, source, dedup id), 72 h TTL.</summary>
        public const string Dedup = "dedup";

        /// <summary>Per-channel change log for gap-free resume, and the per-channel sequence counters (stream → Bus).</summary>
        public const string ChangeLog = "changelog";

        /// <summary>Local stand-in for the SQS dead-letter queue, and idempotency keys of the reminder API.</summary>
        public const string Operations = "operations";

        /// <summary>Partition key attribute name.</summary>
        public const string PartitionKey = "pk";

        /// <summary>Sort key attribute name.</summary>
        public const string SortKey = "sk";

        /// <summary>TTL attribute name (epoch seconds).</summary>
        public const string TimeToLive = "ttl";

        /// <summary>Global secondary index on the connections table: subscriptions by (tenant#channel) → connection.</summary>
        public const string ConnectionsByChannelIndex = "byChannel";

        /// <summary>Partition key of <see cref="ConnectionsByChannelIndex"/>.</summary>
        public const string ChannelKey = "gsi1pk";

        /// <summary>Sort key of <see cref="ConnectionsByChannelIndex"/>.</summary>
        public const string ChannelSortKey = "gsi1sk";

        /// <summary>
        /// Sparse global secondary index on the aggregates table: a tenant's entity items by kind, keys only, so the kinds
        /// of one tenant (and how many entities each has) are read with one query per page of that tenant's index
        /// partition. Only entity items carry <see cref="EntityKindKey"/>, so metric, window and late-event items stay out;
        /// the keys never change after an entity item's first write, so the index is written once per entity.
        /// </summary>
        public const string EntitiesByKindIndex = "entitiesByKind";

        /// <summary>The tenant attribute every aggregate item carries: partition key of <see cref="EntitiesByKindIndex"/>.</summary>
        public const string TenantKey = "tenant";

        /// <summary>The entity kind attribute of entity items: sort key of <see cref="EntitiesByKindIndex"/>.</summary>
        public const string EntityKindKey = "entityKind";

        /// <summary>All tables with whether they have a stream.</summary>
        public static IReadOnlyList<TableDefinition> All { get; } =
        [
            new(Aggregates, StreamEnabled: true, GlobalIndexes: [new(EntitiesByKindIndex, TenantKey, EntityKindKey, IndexProjection.KeysOnly)]),
            new(Connections, StreamEnabled: false, GlobalIndexes: [new(ConnectionsByChannelIndex, ChannelKey, ChannelSortKey)]),
            new(Dedup, StreamEnabled: false, GlobalIndexes: []),
            new(ChangeLog, StreamEnabled: true, GlobalIndexes: []),
            new(Operations, StreamEnabled: false, GlobalIndexes: []),
        ];
    }

    /// <summary>
    /// Event source mapping Kinesis → Ingest. Retries until the record is an hour old: Ingest dead-letters every bad
    /// input itself, so a failed batch means a store that is down or throttling, and a retry budget would turn a short
    /// outage into records given up — whose redrive cannot restore the metric contributions of an event whose entity
    /// item was already written (ADR 0003, known limit; the soak found it with 5 retries).
    /// </summary>
    public static EventSourceMappingSettings IngestMapping { get; } = new(
        BatchSize: 500,
        MaximumBatchingWindowSeconds: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        MaximumRecordAgeSeconds: 3600,
        ReportBatchItemFailures: true,
        ParallelizationFactor: 1);

    /// <summary>
    /// Event source mapping Kinesis → Ingest in low-latency mode (<c>-c ingestLatency=low</c>): the same settings with no
    /// batching window, on the enhanced fan-out consumer <see cref="IngestConsumerName"/> (records pushed over HTTP/2 as
    /// they arrive, instead of a poll of each shard once a second; billed per consumer-shard hour and per GB read).
    /// </summary>
    public static EventSourceMappingSettings IngestMappingLowLatency { get; } = IngestMapping with { MaximumBatchingWindowSeconds = 0 };

    /// <summary>The enhanced fan-out consumer the low-latency Ingest mapping reads through.</summary>
    public const string IngestConsumerName = "eventpipeline-ingest";

    /// <summary>
    /// Event source mapping aggregates stream → Publish. Retries until the record is 10 minutes old, for the reason
    /// Ingest does: Publish handles gone connections and failed posts itself, so it fails only while a table is out of
    /// reach, and a push given up is a change its subscribers see only with the aggregate's next change.
    /// </summary>
    public static EventSourceMappingSettings PublishMapping { get; } = new(
        BatchSize: 100,
        MaximumBatchingWindowSeconds: 0,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        MaximumRecordAgeSeconds: 600,
        ReportBatchItemFailures: true,
        ParallelizationFactor: 1);

    /// <summary>Event source mapping change-log stream → Bus (the event bus is fed apart from the WebSocket pushes).</summary>
    public static EventSourceMappingSettings BusMapping { get; } = new(
        BatchSize: 100,
        MaximumBatchingWindowSeconds: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeSeconds: 3600,
        ReportBatchItemFailures: true,
        ParallelizationFactor: 1);

    /// <summary>The EventBridge bus other consumers subscribe to with rules (ADR 0004).</summary>
    public static class Bus
    {
        /// <summary>The bus's name.</summary>
        public const string Name = "eventpipeline";

        /// <summary>The <c>source</c> of every event the pipeline puts on it.</summary>
        public const string Source = "eventpipeline";

        /// <summary><c>detail-type</c> of an applied change (one per change, as pushed on the tenant channel).</summary>
        public const string AggregateChanged = "aggregate.changed";

        /// <summary>The example rule's queue, deployed by default so an operator can read what the bus carries.</summary>
        public const string ExampleQueue = "bus-example";
    }

    /// <summary>WebSocket API route keys handled by the Connections function.</summary>
    public static class WebSocketRoutes
    {
        public const string Connect = "$connect";
        public const string Disconnect = "$disconnect";
        public const string Default = "$default";
        public const string Subscribe = "subscribe";
        public const string Unsubscribe = "unsubscribe";
        public const string Ping = "ping";

        /// <summary>The expression API Gateway evaluates to pick a route from a message.</summary>
        public const string RouteSelectionExpression = "$request.body.action";

        /// <summary>Every route key.</summary>
        public static IReadOnlyList<string> All { get; } = [Connect, Disconnect, Default, Subscribe, Unsubscribe, Ping];
    }

    /// <summary>HTTP API routes (route key → function role).</summary>
    public static class HttpRoutes
    {
        public const string ListEntityKinds = "GET /aggregates/entities";
        public const string GetEntity = "GET /aggregates/entities/{kind}/{id}";
        public const string ListEntities = "GET /aggregates/entities/{kind}";
        public const string ListMetrics = "GET /aggregates/metrics";
        public const string GetMetric = "GET /aggregates/metrics/{name}";
        public const string ChannelChanges = "GET /channels/{channel+}";
        public const string PostWebhook = "POST /webhooks/{tenant}/{source}";
        public const string OptionsWebhook = "OPTIONS /webhooks/{tenant}/{source}";
        public const string GetWebhook = "GET /webhooks/{tenant}/{source}";
        public const string PostReminder = "POST /reminders";

        /// <summary>Routes served by the Query function (JWT-authorized).</summary>
        public static IReadOnlyList<string> Query { get; } = [ListEntityKinds, GetEntity, ListEntities, ListMetrics, GetMetric, ChannelChanges];

        /// <summary>Routes served by the Webhook function (authenticated by each source's signature, not JWT).</summary>
        public static IReadOnlyList<string> Webhook { get; } = [PostWebhook, OptionsWebhook, GetWebhook];

        /// <summary>Routes served by the Reminders function (JWT-authorized).</summary>
        public static IReadOnlyList<string> Reminders { get; } = [PostReminder];

        /// <summary>Every route of the HTTP API.</summary>
        public static IReadOnlyList<string> All { get; } = [.. Query, .. Webhook, .. Reminders];
    }

    /// <summary>JWT settings shared by the Connections function, the HTTP API authorizer and the local stack.</summary>
    public static class Auth
    {
        /// <summary>Claim naming the caller's tenant.</summary>
        public const string TenantClaim = "tenant";

        /// <summary>Default audience of tokens.</summary>
        public const string Audience = "eventpipeline";

        /// <summary>Issuer of the local stack's dev tokens.</summary>
        public const string LocalIssuer = "https://eventpipeline.local";
    }

    /// <summary>Environment variables the functions read (set by the CDK app in AWS; the local stack takes them from the synthesized template).</summary>
    public static class Environment
    {
        public const string AggregatesTable = "AGGREGATES_TABLE";
        public const string ConnectionsTable = "CONNECTIONS_TABLE";
        public const string DedupTable = "DEDUP_TABLE";
        public const string ChangeLogTable = "CHANGELOG_TABLE";
        public const string OperationsTable = "OPERATIONS_TABLE";
        public const string EventsStream = "EVENTS_STREAM";
        public const string DeadLetterQueueUrl = "DEAD_LETTER_QUEUE_URL";
        public const string WebSocketManagementEndpoint = "WEBSOCKET_MANAGEMENT_ENDPOINT";
        public const string JwtIssuer = "JWT_ISSUER";
        public const string JwtAudience = "JWT_AUDIENCE";

        /// <summary>JWKS document (JSON) of the issuer's signing keys, for AWS.</summary>
        public const string JwtJwks = "JWT_JWKS";

        /// <summary>HS256 shared key, for the local stack only.</summary>
        public const string JwtHs256Key = "JWT_HS256_KEY";
        public const string StateMachineArn = "STATE_MACHINE_ARN";
        public const string GracePeriodSeconds = "GRACE_PERIOD_SECONDS";
        public const string ChangeLogRetentionSeconds = "CHANGELOG_RETENTION_SECONDS";
        public const string WebhookSecretsParameterPrefix = "WEBHOOK_SECRETS_PREFIX";

        /// <summary>Scheme, host and optional prefix providers post to, when it is not <c>https://{domainName}</c>.</summary>
        public const string WebhookPublicBaseUrl = "WEBHOOK_PUBLIC_BASE_URL";
        public const string GraphBaseUrl = "GRAPH_BASE_URL";

        /// <summary>Name of the event bus the Bus function puts changes on.</summary>
        public const string EventBusName = "EVENT_BUS_NAME";

        /// <summary>
        /// SSM path prefix of the Microsoft Graph access tokens the thin <c>graph</c> source fetches with
        /// (<c>{prefix}/{tenant}/token</c>, else <c>{prefix}/token</c>); unset, Graph fetches carry no credential.
        /// </summary>
        public const string GraphTokenPrefix = "GRAPH_TOKEN_PREFIX";
        public const string LogLevel = "LOG_LEVEL";
    }

    /// <summary>Dedup markers are kept this long (providers resend for up to 72 h).</summary>
    public static readonly TimeSpan DedupRetention = TimeSpan.FromHours(72);

    /// <summary>API Gateway closes WebSocket connections after 2 hours; connection items expire then.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromHours(2);
}
