using EventPipeline.Application.Ports;
using EventPipeline.Application.Webhooks;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;
using EventPipeline.Aws.Webhooks;
using EventPipeline.Lambda;
using EventPipeline.Sources;
using EventPipeline.Topology;

namespace EventPipeline.Webhook;

/// <summary>Builds the Webhook function once per cold start, from its environment (AWS and the local stack alike).</summary>
public static class WebhookComposition
{
    /// <summary>The function's key (EMF dimension).</summary>
    public const string FunctionKey = "webhook";

    /// <summary>
    /// Reads <c>EVENTS_STREAM</c>, <c>WEBHOOK_SECRETS_PREFIX</c> (SSM Parameter Store), <c>WEBHOOK_PUBLIC_BASE_URL</c>,
    /// <c>GRAPH_BASE_URL</c> and the AWS client settings, and wires the function.
    /// </summary>
    public static WebhookFunction Create(FunctionHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = PipelineSettings.FromEnvironment(host.Environment);
        var aws = AwsClients.Create(AwsEndpoints.FromEnvironment(host.Environment));
        var secrets = new SsmWebhookSecrets(aws.Ssm, settings.WebhookSecretsPrefix, host.Clock);
        return Create(SourceCatalog.Create(AwsSourceDependencies.Create(aws, settings, host.Clock)), secrets, new KinesisEventStreamWriter(aws.Kinesis, settings.EventsStream), host, settings.WebhookPublicBaseUrl);
    }

    /// <summary>The function over explicit ports (unit tests).</summary>
    public static WebhookFunction Create(IReadOnlyDictionary<string, SourceRegistration> sources, IWebhookSecrets secrets, IEventStreamWriter stream, FunctionHost host, string? publicBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new WebhookFunction(sources, new WebhookIntake(secrets, stream, host.Clock), host.Log(), new WebhookOptions { PublicBaseUrl = publicBaseUrl }, host.Metrics(FunctionKey));
    }
}
