using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EventPipeline.Infra;

namespace EventPipeline.Infra.Tests;

/// <summary>
/// Synthesizes the app once (bundling skipped: placeholder bootstrap) for every assertion test; jsii start-up and
/// synthesis take seconds, the assertions milliseconds.
/// </summary>
public sealed class InfraFixture
{
    /// <summary>The issuer every test synth passes (the app refuses to synthesize without one).</summary>
    public const string Issuer = "https://issuer.example.com";

    public InfraFixture()
    {
        var app = new App(new AppProps { Context = Context() });
        var (stateful, stateless) = PipelineApp.Compose(app);
        Stateful = Template.FromStack(stateful);
        Stateless = Template.FromStack(stateless);
        StatefulJson = ToJson(Stateful);
        StatelessJson = ToJson(Stateless);

        FunctionRoles = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ingest"] = LogicalId(stateless, stateless.Ingestion.Function.Role!.Node.DefaultChild),
            ["publish"] = LogicalId(stateless, stateless.Publishing.Function.Role!.Node.DefaultChild),
            ["connections"] = LogicalId(stateless, stateless.WebSocket.Function.Role!.Node.DefaultChild),
            ["query"] = LogicalId(stateless, stateless.QueryApi.QueryFunction.Role!.Node.DefaultChild),
            ["webhook"] = LogicalId(stateless, stateless.QueryApi.WebhookFunction.Role!.Node.DefaultChild),
            ["reminders"] = LogicalId(stateless, stateless.Reminders.Function.Role!.Node.DefaultChild),
            ["statemachine"] = LogicalId(stateless, stateless.Reminders.StateMachine.Role.Node.DefaultChild),
        };
        FunctionIds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ingest"] = LogicalId(stateless, stateless.Ingestion.Function.Node.DefaultChild),
            ["publish"] = LogicalId(stateless, stateless.Publishing.Function.Node.DefaultChild),
            ["connections"] = LogicalId(stateless, stateless.WebSocket.Function.Node.DefaultChild),
        };
        WebSocketApiId = LogicalId(stateless, stateless.WebSocket.Api.Node.DefaultChild);
        HttpApiId = LogicalId(stateless, stateless.QueryApi.Api.Node.DefaultChild);

        StatelessAnnotations = Amazon.CDK.Assertions.Annotations.FromStack(stateless);

        var graphContext = Context();
        graphContext["graphTokenPrefix"] = "/eventpipeline/graph";
        var withGraph = PipelineApp.Compose(new App(new AppProps { Context = graphContext })).Stateless;
        GraphStatelessJson = ToJson(Template.FromStack(withGraph));
        GraphStatelessAnnotations = Amazon.CDK.Assertions.Annotations.FromStack(withGraph);

        var lowLatencyContext = Context();
        lowLatencyContext["ingestLatency"] = "low";
        var lowLatency = PipelineApp.Compose(new App(new AppProps { Context = lowLatencyContext })).Stateless;
        LowLatencyStatelessJson = ToJson(Template.FromStack(lowLatency));
        LowLatencyIngestRoleId = LogicalId(lowLatency, lowLatency.Ingestion.Function.Role!.Node.DefaultChild);
        LowLatencyIngestFunctionId = LogicalId(lowLatency, lowLatency.Ingestion.Function.Node.DefaultChild);

        var provisionedContext = Context();
        provisionedContext["shards"] = "4";
        var provisioned = new App(new AppProps { Context = provisionedContext });
        ProvisionedStatefulJson = ToJson(Template.FromStack(PipelineApp.Compose(provisioned).Stateful));
    }

    public Template Stateful { get; }

    public Template Stateless { get; }

    public JsonObject StatefulJson { get; }

    public JsonObject StatelessJson { get; }

    public JsonObject ProvisionedStatefulJson { get; }

    /// <summary>The stateless stack synthesized with <c>-c ingestLatency=low</c>.</summary>
    public JsonObject LowLatencyStatelessJson { get; }

    /// <summary>The Ingest role's logical id in <see cref="LowLatencyStatelessJson"/>.</summary>
    public string LowLatencyIngestRoleId { get; }

    /// <summary>The Ingest function's logical id in <see cref="LowLatencyStatelessJson"/>.</summary>
    public string LowLatencyIngestFunctionId { get; }

    /// <summary>The stateless stack's synth messages (the default context: no Graph credential).</summary>
    public Amazon.CDK.Assertions.Annotations StatelessAnnotations { get; }

    /// <summary>The stateless stack synthesized with <c>-c graphTokenPrefix=/eventpipeline/graph</c>.</summary>
    public JsonObject GraphStatelessJson { get; }

    /// <summary>Its synth messages.</summary>
    public Amazon.CDK.Assertions.Annotations GraphStatelessAnnotations { get; }

    /// <summary>Logical id of each function's (and the state machine's) IAM role, by function key.</summary>
    public IReadOnlyDictionary<string, string> FunctionRoles { get; }

    /// <summary>Logical id of the stream-consuming functions and of the Connections function.</summary>
    public IReadOnlyDictionary<string, string> FunctionIds { get; }

    public string WebSocketApiId { get; }

    public string HttpApiId { get; }

    /// <summary>Resources of one CloudFormation type: (logical id, Properties).</summary>
    public static IEnumerable<(string Id, JsonObject Properties)> Resources(JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!["Properties"]?.AsObject() ?? []));

    /// <summary>Every IAM statement attached to the role with logical id <paramref name="roleId"/> (in <paramref name="template"/>, default the stateless stack).</summary>
    public IReadOnlyList<PolicyStatementView> StatementsOf(string roleId, JsonObject? template = null) =>
        Resources(template ?? StatelessJson, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => new PolicyStatementView(
                (string)s!["Effect"]!,
                s["Action"] is JsonArray actions ? actions.Select(a => (string)a!).ToList() : [(string)s["Action"]!],
                s["Resource"] is JsonArray resources ? resources.Select(r => r!.ToJsonString()).ToList() : [s["Resource"]!.ToJsonString()]))
            .ToList();

    /// <summary>
    /// The context of the repository's cdk.json (feature flags such as minimizePolicies change the templates), so the
    /// tests check what <c>cdk synth</c> produces; bundling is skipped.
    /// </summary>
    private static Dictionary<string, object> Context()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "cdk.json")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"No cdk.json above '{AppContext.BaseDirectory}'.");
        }

        var context = JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "cdk.json")))!["context"]!.AsObject()
            .ToDictionary(c => c.Key, c => (object)(c.Value is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : c.Value!.ToString()));
        context["bundling"] = "skip";
        // Required for every synth (no defaults that deploy a stack refusing every token or email).
        context["jwtIssuer"] = Issuer;
        context["fromEmailAddress"] = "reminders@example.com";
        return context;
    }

    private static JsonObject ToJson(Template template) =>
        JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(template.ToJSON()))!.AsObject();

    private static string LogicalId(Stack stack, Constructs.IConstruct? element) =>
        stack.GetLogicalId((CfnElement)(element ?? throw new InvalidOperationException("construct has no default child")));
}

/// <summary>One IAM statement, with each resource as its JSON text (intrinsics included) for substring checks.</summary>
public sealed record PolicyStatementView(string Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources);

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}
