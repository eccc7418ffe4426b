using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.DeadLetters;
using EventPipeline.Lambda;
using EventPipeline.Lambda.Events;
using EventPipeline.Sources;

namespace EventPipeline.Ingest;

/// <summary>Custom-runtime entry point (bootstrap): builds the function once, then serves invocations.</summary>
internal static class Program
{
    private static Task<int> Main() => LambdaRuntime.RunAsync(
        _ =>
        {
            var settings = PipelineSettings.FromEnvironment();
            var aws = AwsClients.Create(AwsEndpoints.FromEnvironment());
            var deadLetters = new SqsDeadLetterSink(aws.Sqs, settings.DeadLetterQueueUrl
                ?? throw new InvalidOperationException("DEAD_LETTER_QUEUE_URL: required"));
            var sources = new SourceDependencies { HttpClient = aws.Http, GraphBaseUrl = settings.GraphBaseUrl ?? new Uri("https://graph.microsoft.com/v1.0/") };
            var function = IngestComposition.Create(settings, aws.DynamoDb, deadLetters, sources, TimeProvider.System);
            return Task.FromResult<LambdaHandler<KinesisEvent, StreamsEventResponse>>(function.HandleAsync);
        },
        LambdaEventsJsonContext.Default.KinesisEvent,
        LambdaEventsJsonContext.Default.StreamsEventResponse);
}
