using Amazon.CDK;
using Amazon.CDK.AWS.Apigatewayv2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AwsApigatewayv2Integrations;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;

namespace EventPipeline.Infra;

/// <summary>
/// The browsers' WebSocket API: every route in <see cref="PipelineTopology.WebSocketRoutes.All"/> goes to the
/// Connections function, which checks the JWT at $connect and stores subscriptions. Uses the stable L2 constructs
/// of aws-apigatewayv2 (stable since CDK 2.112), which also add the Lambda invoke permissions per route.
/// </summary>
internal sealed class WebSocketApiConstruct : Construct
{
    private static readonly HashSet<string> BuiltInRoutes = new(StringComparer.Ordinal)
    {
        PipelineTopology.WebSocketRoutes.Connect,
        PipelineTopology.WebSocketRoutes.Disconnect,
        PipelineTopology.WebSocketRoutes.Default,
    };

    public WebSocketApiConstruct(Construct scope, string id, StatefulStack data, InfraSettings settings)
        : base(scope, id)
    {
        var connections = data.Table(PipelineTopology.Tables.Connections);
        var changeLog = data.Table(PipelineTopology.Tables.ChangeLog);

        Function = PipelineFunction.Create(this, FunctionCatalog.Connections, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.Table(PipelineTopology.Tables.Connections)] = connections.TableName,
            [FunctionEnvironment.Table(PipelineTopology.Tables.ChangeLog)] = changeLog.TableName,
            [FunctionEnvironment.JwtIssuer] = settings.JwtIssuer,
            [FunctionEnvironment.JwtAudience] = settings.JwtAudience,
        });
        connections.GrantReadWriteData(Function);
        // Resume on subscribe: the missed changes of a channel are read from the change log.
        changeLog.GrantReadData(Function);

        var routes = PipelineTopology.WebSocketRoutes.All;
        WebSocketRouteOptions? Builtin(string routeKey) => routes.Contains(routeKey)
            ? new WebSocketRouteOptions { Integration = new WebSocketLambdaIntegration("Connections" + RouteId(routeKey), Function) }
            : null;

        Api = new WebSocketApi(this, "Api", new WebSocketApiProps
        {
            Description = "EventPipeline live updates",
            RouteSelectionExpression = PipelineTopology.WebSocketRoutes.RouteSelectionExpression,
            ConnectRouteOptions = Builtin(PipelineTopology.WebSocketRoutes.Connect),
            DisconnectRouteOptions = Builtin(PipelineTopology.WebSocketRoutes.Disconnect),
            DefaultRouteOptions = Builtin(PipelineTopology.WebSocketRoutes.Default),
        });
        foreach (var routeKey in routes.Where(r => !BuiltInRoutes.Contains(r)))
        {
            Api.AddRoute(routeKey, new WebSocketRouteOptions
            {
                Integration = new WebSocketLambdaIntegration("Connections" + RouteId(routeKey), Function),
            });
        }

        Stage = new WebSocketStage(this, "Stage", new WebSocketStageProps
        {
            WebSocketApi = Api,
            StageName = InfraNames.WebSocketStageName,
            AutoDeploy = true,
        });

        // Connections answers subscribe/unsubscribe/ping (and replays missed changes) by posting to the caller's
        // connection: it needs the stage's @connections endpoint and the right to POST to it.
        Function.AddEnvironment(FunctionEnvironment.WebSocketManagementEndpoint, ManagementEndpoint);
        GrantManageConnections(Function, "POST");

        var stack = Stack.Of(this);
        _ = new CfnOutput(stack, "WebSocketUrl", new CfnOutputProps { Description = "Browsers connect here (wss://)", Value = Stage.Url });
        _ = new CfnOutput(stack, "WebSocketManagementEndpoint", new CfnOutputProps { Description = "@connections management API", Value = ManagementEndpoint });
    }

    public Function Function { get; }

    public WebSocketApi Api { get; }

    public WebSocketStage Stage { get; }

    /// <summary>https://{api}.execute-api.{region}.amazonaws.com/{stage}: the base of POST/DELETE /@connections/{id}.</summary>
    public string ManagementEndpoint => Stage.CallbackUrl;

    /// <summary>
    /// Lets <paramref name="grantee"/> call the @connections API of this API's stage with the given HTTP methods only
    /// (POST posts to a client, DELETE disconnects it) — narrower than the L2's GrantManageConnections, which allows
    /// every stage and method.
    /// </summary>
    public void GrantManageConnections(Function grantee, params string[] methods)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Length == 0)
        {
            throw new ArgumentException("name at least one @connections method (POST, DELETE)", nameof(methods));
        }

        var stack = Stack.Of(this);
        string ConnectionsArn(string method) => stack.FormatArn(new ArnComponents
        {
            Service = "execute-api",
            Resource = Api.ApiId,
            ResourceName = $"{InfraNames.WebSocketStageName}/{method}/@connections/*",
            ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
        });

        grantee.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["execute-api:ManageConnections"],
            Resources = methods.Select(ConnectionsArn).ToArray(),
        }));
    }

    /// <summary>Construct-id fragment of a route key: <c>$connect</c> → <c>Connect</c>.</summary>
    private static string RouteId(string routeKey)
    {
        return InfraNames.Pascal(routeKey.TrimStart('$'));
    }
}
