using Amazon.SimpleSystemsManagement;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Sources;

namespace EventPipeline.Webhook;

/// <summary>
/// Builds the webhook function once per cold start, from the environment:
/// <list type="bullet">
/// <item><c>EVENTS_STREAM</c>: the Kinesis stream (default <c>events</c>);</item>
/// <item><c>WEBHOOK_PUBLIC_BASE_URL</c>: the URL base providers post to, when not <c>https://{domainName}</c>;</item>
/// <item><c>WEBHOOK_SECRETS_FILE</c>: a JSON secrets file (the local stack); otherwise SSM Parameter Store under
/// <c>WEBHOOK_SECRETS_PREFIX</c> (default <c>/eventpipeline/webhooks</c>);</item>
/// <item><c>GRAPH_BASE_URL</c>: the Microsoft Graph API base for enrichment (tests and the local stack point it at a fake).</item>
/// </list>
/// The Kinesis client is passed in: the host (Lambda bootstrap or local stack) owns it.
/// </summary>
public static class WebhookComposition
{
    /// <summary>Options from environment variables (see the class summary).</summary>
    public static WebhookOptions OptionsFromEnvironment(Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var options = new WebhookOptions();
        if (env("EVENTS_STREAM") is { Length: > 0 } stream)
        {
            options = options with { StreamName = stream };
        }

        if (env("WEBHOOK_PUBLIC_BASE_URL") is { Length: > 0 } publicBase)
        {
            options = options with { PublicBaseUrl = publicBase };
        }

        return options;
    }

    /// <summary>The secret store the environment selects: the file named by <c>WEBHOOK_SECRETS_FILE</c>, else SSM.</summary>
    public static IWebhookSecrets SecretsFromEnvironment(Func<string, string?>? environment = null, IAmazonSimpleSystemsManagement? ssm = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        if (env("WEBHOOK_SECRETS_FILE") is { Length: > 0 } file)
        {
            return FileWebhookSecrets.Load(file);
        }

        return new SsmWebhookSecrets(ssm ?? new AmazonSimpleSystemsManagementClient(), env("WEBHOOK_SECRETS_PREFIX"));
    }

    /// <summary>Source dependencies from the environment: one HttpClient per cold start, and <c>GRAPH_BASE_URL</c>.</summary>
    public static SourceDependencies SourceDependenciesFromEnvironment(Func<string, string?>? environment = null, TimeProvider? clock = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var graph = env("GRAPH_BASE_URL");
        var defaults = new SourceDependencies();
        return new SourceDependencies
        {
            Clock = clock ?? TimeProvider.System,
            HttpClient = new HttpClient(),
            GraphBaseUrl = string.IsNullOrEmpty(graph) ? defaults.GraphBaseUrl : new Uri(graph.EndsWith('/') ? graph : graph + "/"),
        };
    }

    /// <summary>The function as the environment configures it, writing to <paramref name="kinesis"/>.</summary>
    public static WebhookFunction FromEnvironment(IKinesisClient kinesis, LambdaLog? log = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(kinesis);
        return Create(
            SourceCatalog.Create(SourceDependenciesFromEnvironment(clock: clock)),
            SecretsFromEnvironment(),
            kinesis,
            log ?? LambdaLog.FromEnvironment(clock: clock),
            OptionsFromEnvironment(),
            clock);
    }

    /// <summary>The function from explicit parts (the local stack and tests).</summary>
    public static WebhookFunction Create(
        IReadOnlyDictionary<string, SourceRegistration> sources,
        IWebhookSecrets secrets,
        IKinesisClient kinesis,
        LambdaLog log,
        WebhookOptions? options = null,
        TimeProvider? clock = null) =>
        new(sources, secrets, kinesis, log, options, clock);
}
