using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;

namespace EventPipeline.Publish;

/// <summary>Custom-runtime entry point (bootstrap).</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ =>
        {
            var settings = PipelineSettings.FromEnvironment();
            var endpoints = AwsEndpoints.FromEnvironment() with { ExecuteApi = settings.WebSocketManagementEndpoint };
            var aws = AwsClients.Create(endpoints);
            var function = PublishComposition.Create(settings, aws.DynamoDb, aws.Management!, TimeProvider.System);
            return Task.FromResult<LambdaHandler<DynamoDBEvent, StreamsEventResponse>>(function.HandleAsync);
        },
        LambdaEventsJsonContext.Default.DynamoDBEvent,
        LambdaEventsJsonContext.Default.StreamsEventResponse);
}
