using Amazon.CDK;
using Amazon.CDK.AWS.Apigatewayv2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AwsApigatewayv2Authorizers;
using Amazon.CDK.AwsApigatewayv2Integrations;
using Constructs;
using EventPipeline.Topology;
using Function = Amazon.CDK.AWS.Lambda.Function;
using HttpMethod = Amazon.CDK.AWS.Apigatewayv2.HttpMethod;

namespace EventPipeline.Infra;

/// <summary>
/// The HTTP API (API Gateway v2): <see cref="PipelineTopology.HttpRoutes.Query"/> and
/// <see cref="PipelineTopology.HttpRoutes.Reminders"/> behind a JWT authorizer, and
/// <see cref="PipelineTopology.HttpRoutes.Webhook"/> open to providers, because the Webhook function authenticates
/// each request by the source's signature instead.
/// </summary>
internal sealed class QueryApiConstruct : Construct
{
    public QueryApiConstruct(Construct scope, string id, StatefulStack data, Function remindersFunction, InfraSettings settings)
        : base(scope, id)
    {
        var aggregates = data.Table(PipelineTopology.Tables.Aggregates);
        var changeLog = data.Table(PipelineTopology.Tables.ChangeLog);

        QueryFunction = PipelineFunction.Create(this, FunctionCatalog.Query, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.Table(PipelineTopology.Tables.Aggregates)] = aggregates.TableName,
            [FunctionEnvironment.Table(PipelineTopology.Tables.ChangeLog)] = changeLog.TableName,
        });
        aggregates.GrantReadData(QueryFunction);
        changeLog.GrantReadData(QueryFunction);

        WebhookFunction = PipelineFunction.Create(this, FunctionCatalog.Webhook, settings, new Dictionary<string, string>
        {
            [FunctionEnvironment.EventsStreamName] = data.EventsStream.StreamName,
            [FunctionEnvironment.WebhookParameterPrefix] = InfraNames.WebhookParameterPrefix,
        });
        GrantWebhookAccess(WebhookFunction, data, settings);
        GraphCredential.Configure(WebhookFunction, settings);

        Api = new HttpApi(this, "Api", new HttpApiProps
        {
            Description = "EventPipeline queries, reminders and provider webhooks",
            CreateDefaultStage = true,
        });

        var jwt = new HttpJwtAuthorizer("JwtAuthorizer", settings.JwtIssuer, new HttpJwtAuthorizerProps
        {
            JwtAudience = [settings.JwtAudience],
        });

        AddRoutes(PipelineTopology.HttpRoutes.Query, new HttpLambdaIntegration("QueryIntegration", QueryFunction), jwt);
        AddRoutes(PipelineTopology.HttpRoutes.Reminders, new HttpLambdaIntegration("RemindersIntegration", remindersFunction), jwt);
        AddRoutes(PipelineTopology.HttpRoutes.Webhook, new HttpLambdaIntegration("WebhookIntegration", WebhookFunction), new HttpNoneAuthorizer());

        _ = new CfnOutput(Stack.Of(this), "HttpApiUrl", new CfnOutputProps { Description = "Queries, reminders and webhooks", Value = Api.ApiEndpoint });
    }

    public HttpApi Api { get; }

    public Function QueryFunction { get; }

    public Function WebhookFunction { get; }

    private void AddRoutes(IEnumerable<string> routeKeys, HttpRouteIntegration integration, IHttpRouteAuthorizer authorizer)
    {
        foreach (var routeKey in routeKeys)
        {
            var (method, path) = ParseRouteKey(routeKey);
            Api.AddRoutes(new AddRoutesOptions
            {
                Methods = [method],
                Path = path,
                Integration = integration,
                Authorizer = authorizer,
            });
        }
    }

    /// <summary>Splits an API Gateway route key <c>"GET /aggregates/metrics"</c> into its method and path.</summary>
    internal static (HttpMethod Method, string Path) ParseRouteKey(string routeKey)
    {
        var parts = routeKey.Split(' ', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/') || !Enum.TryParse<HttpMethod>(parts[0], ignoreCase: false, out var method))
        {
            throw new ArgumentException($"HTTP route key '{routeKey}' must be '<METHOD> /<path>' with an upper-case HTTP method.", nameof(routeKey));
        }

        return (method, parts[1]);
    }

    /// <summary>
    /// The Webhook function puts wrapped requests on the events stream and reads each source's signing secret from
    /// SSM Parameter Store under <see cref="InfraNames.WebhookParameterPrefix"/>. SecureString parameters under the
    /// AWS-managed key need no KMS statement; a customer-managed key is named by context <c>webhookKmsKeyArn</c>.
    /// </summary>
    private static void GrantWebhookAccess(Function function, StatefulStack data, InfraSettings settings)
    {
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kinesis:PutRecord", "kinesis:PutRecords"],
            Resources = [data.EventsStream.StreamArn],
        }));

        var stack = Stack.Of(function);
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["ssm:GetParameter", "ssm:GetParameters"],
            Resources =
            [
                stack.FormatArn(new ArnComponents
                {
                    Service = "ssm",
                    Resource = "parameter",
                    ResourceName = InfraNames.WebhookParameterPrefix.Trim('/') + "/*",
                    ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
                }),
            ],
        }));

        if (settings.WebhookKmsKeyArn is { } keyArn)
        {
            function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Actions = ["kms:Decrypt"],
                Resources = [keyArn],
                Conditions = new Dictionary<string, object>
                {
                    ["StringEquals"] = new Dictionary<string, object> { ["kms:ViaService"] = $"ssm.{stack.Region}.amazonaws.com" },
                },
            }));
        }
    }
}
